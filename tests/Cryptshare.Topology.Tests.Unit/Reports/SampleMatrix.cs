using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Flows;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.Oracle;
using Cryptshare.Topology.Reports;
using Cryptshare.Topology.RuleSets;

namespace Cryptshare.Topology.Tests.Unit.Reports;

/// <summary>
/// Reports as the matrix would write them, made from the shipped data: the default topology, the
/// catalog and a rule set of the library, with observed verdicts as its expectation file says
/// (or as a test wants) and a deciding rule where the rule set's text names one.
/// </summary>
internal static class SampleMatrix
{
    public static readonly FlowCatalog Catalog = FlowCatalog.Load(Path.Combine(RepositoryLayout.Fixtures, "flows", "catalog.yml"));

    public static readonly TopologyDefinition Topology = TopologyLoader.Load(Path.Combine(RepositoryLayout.Fixtures, "topologies", "default.yml"), Catalog);

    public static RuleSet RuleSet(string name) =>
        RuleSetLoader.Load(Path.Combine(RepositoryLayout.Fixtures, "rulesets", name + RuleSetLoader.RuleSetExtension), Catalog);

    /// <summary>The rule set's matrix; <paramref name="observe"/> overrides the observed verdict of chosen cases.</summary>
    public static RuleSetReport Report(RuleSet ruleSet, Func<ProbeCase, Verdict?>? observe = null, bool decidingRules = true)
    {
        var text = new RuleSetText(Path.GetFileName(ruleSet.SourceFile), ruleSet.Text);
        var flows = MatrixPlanner.Plan(Topology, Catalog, ruleSet).Select(c =>
        {
            var observed = observe?.Invoke(c) ?? c.Expected ?? Verdict.Allowed;
            return new FlowReport(
                c.Flow.Id,
                c.FromRole,
                c.Destination.Name,
                c.Port,
                c.Expected,
                observed,
                observed == Verdict.Dropped ? 2000 : 3,
                Detail(observed),
                c.Required,
                c.Exposure,
                Predicted: c.Expected,
                DecidingRule: decidingRules ? DecidingRule(text, c.Port, observed) : null);
        }).ToList();
        return new RuleSetReport(ruleSet.Name, ruleSet.Sha256, flows);
    }

    public static MatrixReport Matrix(params RuleSetReport[] ruleSets) => new(ruleSets, new ReportTimings(4200, 1800));

    private static string Detail(Verdict verdict) => verdict switch
    {
        Verdict.Allowed => "exchange completed",
        Verdict.Dropped => "no answer within 2000 ms; trace: dropped",
        Verdict.Rejected => "connection refused (tcp reset)",
        Verdict.Broken => "HTTP 400: missing header X-CS-ClientId",
        _ => "no route to host",
    };

    /// <summary>The accepting line for an allowed flow, the chain's policy for a refused one: what the trace would name.</summary>
    private static ReportedRule DecidingRule(RuleSetText text, int port, Verdict observed)
    {
        if (observed == Verdict.Allowed && text.LinesAccepting(port).FirstOrDefault() is { } line)
        {
            return new ReportedRule(new RuleReference("inet", "perimeter", "forward", line.Number + 2, line.Comment, line.Code), RuleSource.Kernel, PacketVerdict.Accept);
        }

        return new ReportedRule(new RuleReference("inet", "perimeter", "forward", null, null, "policy drop"), RuleSource.Kernel, PacketVerdict.Drop);
    }
}
