using Cryptshare.Topology.Flows;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.Oracle.Matrix;

namespace Cryptshare.Topology.Reports;

/// <summary>One flow of a rule set's report with everything known about it, as the fix hints read it.</summary>
public sealed record FlowUnderDiagnosis(
    FlowReport Flow,
    FlowDefinition? Definition,
    RuleSetReport RuleSet,
    ReportedRule? Deciding,
    DiagnosisContext Context)
{
    /// <summary>Every diagnosed flow of the rule set (<c>flow-id/from-role</c>) and whether it should be allowed: what a proven fix may put right besides its own flow.</summary>
    public IReadOnlyDictionary<string, bool> Diagnosed { get; init; } = new Dictionary<string, bool>();

    /// <summary>The flow's key in the matrix (<c>flow-id/from-role</c>).</summary>
    public string Key => RuleSets.RuleSet.Key(Flow.Id, Flow.From);

    /// <summary>The probe case of the flow, where the rule set could be proven.</summary>
    public ProbeCase? Case => Context.Proof?.Case(Key);

    /// <summary>The oracle's prediction of the flow from the rules as they are, where known.</summary>
    public MatrixPrediction? Prediction => Context.Proof?.Baseline(Key);

    /// <summary>The firewall interface (zone name) the flow comes in on.</summary>
    public string SourceInterface => Context.SourceZone(Flow.From)?.Interface ?? Flow.From;

    /// <summary>The role of the zone the flow comes from (internet, intranet, admin, dmz).</summary>
    public string SourceRole => Context.SourceZone(Flow.From)?.Role ?? Flow.From;

    public HostDefinition? DestinationHost => Context.DestinationHost(Flow.To);

    /// <summary>Every flow of the rule set was refused (dropped or rejected): the signature of a missing return rule.</summary>
    public bool EveryFlowRefused => RuleSet.Flows.Count > 1 && RuleSet.Flows.All(f => f.Observed is Verdict.Dropped or Verdict.Rejected);

    public bool IsLdaps => Definition?.Protocol == FlowProtocol.Ldaps || Flow.Id == "ldaps";

    /// <summary>
    /// A rule that would let the flow through, in nft syntax, with the topology's names and
    /// addresses where known.
    /// </summary>
    public string SuggestedRule
    {
        get
        {
            if (DestinationHost is not { } host)
            {
                return $"a rule accepting tcp port {Flow.Port} from the {Flow.From} zone to {Flow.To}";
            }

            var outInterface = Context.Topology?.Zones.FirstOrDefault(z => z.Name == host.Zone)?.Interface ?? host.Zone;
            return $"`iifname \"{SourceInterface}\" oifname \"{outInterface}\" ip daddr {host.Address} tcp dport {Flow.Port} accept`";
        }
    }
}
