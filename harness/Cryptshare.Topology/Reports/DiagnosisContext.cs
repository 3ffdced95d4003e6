using Cryptshare.Topology.Model;
using Cryptshare.Topology.RuleSets;

namespace Cryptshare.Topology.Reports;

/// <summary>
/// What the diagnosis may read besides the report: the catalog (what breaks), and where known the
/// topology (zone names, addresses) and the rule set compiled by the oracle from nft's JSON, its
/// rules placed on the lines of the file (which rule opens what). Without the last two the hints
/// are less specific, never wrong.
/// </summary>
public sealed class DiagnosisContext
{
    public DiagnosisContext(FlowCatalog catalog, TopologyDefinition? topology = null, RuleSet? ruleSet = null, RuleSetJson? parsed = null)
    {
        Catalog = catalog;
        Topology = topology;
        if (ruleSet is not null && parsed is not null)
        {
            Perimeter = RuleSetRules.Perimeter(Path.GetFileName(ruleSet.SourceFile), ruleSet.Text, parsed.Firewall, ruleSet.SavedText);
            if (ruleSet.HostFirewall is { } host && parsed.HostFirewall is { } hostJson)
            {
                var hostFile = Path.GetFileName(ruleSet.HostFirewallFile) ?? ruleSet.Name + RuleSetLoader.HostFirewallSuffix;
                HostFirewall = ruleSet.HostFormat == HostFirewallFormat.InputChainStatements
                    ? RuleSetRules.HostFirewall(hostFile, host, hostJson)
                    : RuleSetRules.Perimeter(hostFile, host, hostJson, ruleSet.HostFirewallSavedText);
            }

            if (topology is not null)
            {
                _proof = new Lazy<FixProof?>(() => FixProof.TryFor(topology, catalog, ruleSet, parsed.Firewall, parsed.HostFirewall));
            }
        }
    }

    private readonly Lazy<FixProof?> _proof = new(() => null);

    /// <summary>The rule set's proof of a fix (apply to a copy, predict again), when rules and topology are known.</summary>
    public FixProof? Proof => _proof.Value;

    public FlowCatalog Catalog { get; }

    public TopologyDefinition? Topology { get; }

    /// <summary>The perimeter firewall's rules, or null when the rule set was not parsed.</summary>
    public RuleSetRules? Perimeter { get; }

    /// <summary>The server's own firewall rules, when the rule set has them.</summary>
    public RuleSetRules? HostFirewall { get; }

    /// <summary>A deciding rule with the file and line that write it, where the compiled rule sets place it.</summary>
    public ReportedRule? Located(ReportedRule? rule)
    {
        if (rule is null || rule.Location is not null)
        {
            return rule;
        }

        foreach (var rules in new[] { Perimeter, HostFirewall })
        {
            if (rules?.Locate(rule.Rule) is { Line: { } line })
            {
                return rule with { Location = $"{rules.File}:{line}" };
            }

            if (rules?.DefinesTable(rule.Rule.Table) == true && rules.PolicyLine(rule.Rule) is { } policyLine)
            {
                return rule with { Location = $"{rules.File}:{policyLine}" };
            }
        }

        return rule;
    }

    /// <summary>The zone a report's <c>from</c> names: a zone of that name, else the first zone with that role.</summary>
    public ZoneDefinition? SourceZone(string from) =>
        Topology?.Zones.FirstOrDefault(z => z.Name == from) ?? Topology?.Zones.FirstOrDefault(z => z.Role == from);

    /// <summary>The destination host a report's <c>to</c> names (by name, or by address).</summary>
    public HostDefinition? DestinationHost(string to) => Topology is null ? null : TopologyLayout.DestinationHost(Topology, to);
}
