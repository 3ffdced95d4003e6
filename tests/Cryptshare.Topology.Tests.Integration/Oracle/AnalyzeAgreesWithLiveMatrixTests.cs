using System.Collections.Concurrent;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Fixtures.Firewall;
using Cryptshare.Topology.Fixtures.Topology;
using Cryptshare.Topology.Flows;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.Oracle.Matrix;
using Cryptshare.Topology.Reports;
using Cryptshare.Topology.RuleSets;

namespace Cryptshare.Topology.Tests.Integration.Oracle;

/// <summary>
/// `analyze` (nft parses the file, the oracle predicts; no topology) against the live matrix of the
/// default topology (the firewall's trace names the rule): for every rule set of the library, every
/// flow's predicted verdict is the observed one and the deciding rule is the one the kernel applied.
/// </summary>
[TestFixture]
[Category("Oracle")]
[NonParallelizable] // Starts the default topology, which owns the fixed subnets 10.77.1-4.0/24: only one may run at a time.
public sealed class AnalyzeAgreesWithLiveMatrixTests
{
    private static readonly FlowCatalog Catalog = FlowCatalog.Load(Path.Combine(RepositoryLayout.Fixtures, "flows", "catalog.yml"));

    private static readonly TopologyDefinition Topology = TopologyLoader.Load(Path.Combine(RepositoryLayout.Fixtures, "topologies", "default.yml"), Catalog);

    private static readonly IReadOnlyList<RuleSet> Library = RuleSetLoader.LoadLibrary(Path.Combine(RepositoryLayout.Fixtures, "rulesets"), Catalog);

    private readonly ConcurrentDictionary<string, IReadOnlyList<AttributedOutcome>> _live = new();
    private readonly ConcurrentDictionary<string, StaticRuleSetReport> _static = new();

    public static IEnumerable<string> RuleSetNames => Library.Select(r => r.Name);

    [OneTimeSetUp]
    public async Task AnalyzeAndRunTheLibrary()
    {
        await using (var parser = NftRuleSetParser.Best())
        {
            foreach (var ruleSet in Library)
            {
                var parsed = await parser.ParseAsync(ruleSet, Topology);
                _static[ruleSet.Name] = StaticMatrix.Predict(Topology, Catalog, ruleSet, parsed.FirewallJson, parsed.HostFirewallJson, parsed.ParsedBy);
            }
        }

        await using var live = await LiveTopology.StartAsync(Topology, Catalog);
        var routing = await live.CheckRoutingAsync();
        Assert.That(routing.Where(r => !r.Holds).Select(r => $"{r.Source} → {r.Destination}: {r.Observed} ({r.Detail})"), Is.Empty, "the topology's own routing");
        foreach (var ruleSet in Library)
        {
            await live.ApplyAsync(ruleSet);
            _live[ruleSet.Name] = await live.ProbeAttributedAsync(MatrixPlanner.Plan(Topology, Catalog, ruleSet));
        }
    }

    [TestCaseSource(nameof(RuleSetNames))]
    public void EveryFlowIsPredictedWithTheKernelsRule(string ruleSet)
    {
        var predicted = _static[ruleSet].Flows.ToDictionary(f => (f.Id, f.From));
        var problems = new List<string>();
        foreach (var attributed in _live[ruleSet])
        {
            var outcome = attributed.Outcome;
            var flow = predicted[(outcome.Case.Flow.Id, outcome.Case.Source.Zone)];
            var kernelRule = attributed.Kernel is { } kernel ? ReportedRule.From(kernel.Rule, kernel.Verdict, RuleSource.Kernel) : null;
            var oracleRule = flow.DecidingRule;
            if (flow.Predicted != outcome.Observed)
            {
                problems.Add($"{outcome.Case.Name}: analyze predicts {flow.Predicted?.ToWord() ?? "nothing"} ({flow.Detail}), the live matrix observed {outcome.Observed.ToWord()} ({outcome.Detail})");
            }

            if (kernelRule is null ? oracleRule is not null : !kernelRule.IsSameRuleAs(oracleRule))
            {
                problems.Add($"{outcome.Case.Name}: analyze names {oracleRule?.ToString() ?? "no rule"}, the kernel applied {kernelRule?.ToString() ?? $"no rule ({attributed.KernelNote})"}");
            }
        }

        Assert.That(problems, Is.Empty);
    }
}
