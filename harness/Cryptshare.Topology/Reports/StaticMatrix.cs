using Cryptshare.Topology.Flows;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.Oracle.Matrix;
using Cryptshare.Topology.RuleSets;

namespace Cryptshare.Topology.Reports;

/// <summary>The matrix without a topology: every probe case of a rule set predicted by the oracle from nft's JSON.</summary>
public static class StaticMatrix
{
    public static StaticRuleSetReport Predict(TopologyDefinition topology, FlowCatalog catalog, RuleSet ruleSet, string firewallJson, string? hostFirewallJson, string parsedBy)
    {
        ArgumentNullException.ThrowIfNull(ruleSet);
        var oracle = MatrixOracle.For(topology, firewallJson, hostFirewallJson);
        var flows = MatrixPlanner.Plan(topology, catalog, ruleSet).Select(c =>
        {
            var prediction = oracle.Predict(c);
            return new StaticFlowReport(
                c.Flow.Id,
                c.Source.Zone,
                c.Destination.Name,
                c.Port,
                c.Expected,
                Observed: null,
                ElapsedMs: null,
                prediction.Detail,
                c.Required,
                c.Exposure,
                prediction.Verdict,
                ReportedRule.From(prediction.Rule, prediction.RuleAction, RuleSource.Oracle));
        }).ToList();
        return new StaticRuleSetReport(ruleSet.Name, ruleSet.Sha256, parsedBy, flows);
    }
}
