using System.Collections.Concurrent;
using Cryptshare.Topology.Fixtures.Topology;
using Cryptshare.Topology.Runs.Live;

namespace Cryptshare.Topology.Tests.Integration.Flows;

/// <summary>
/// The product's core claim, one test case per (rule set, flow, source zone), named
/// <c>ruleset/flow-id/from-zone</c>: the verdict observed through the real nftables firewall is the
/// one the rule set's expectation file states. The topology starts once for the whole fixture;
/// rule sets are swapped in place, each probed once (all its flows, all sources at once), and
/// routing is proven with control flows before any "blocked" is believed. The steps are the run
/// pipeline's (<see cref="LiveMatrix"/>), as `run` takes them.
/// </summary>
[TestFixture]
[Category("Flows")]
[NonParallelizable] // owns the default topology's fixed subnets 10.77.1–4.0/24 on this engine
public sealed class FlowMatrixTests
{
    private readonly ConcurrentDictionary<string, RuleSetRun> _observed = new();
    private IReadOnlyList<Cryptshare.Topology.RuleSets.RuleSet> _prepared = [];
    private readonly SemaphoreSlim _firewall = new(1, 1);
    private LiveMatrix? _matrix;
    private IReadOnlyList<RoutingCheck> _routing = [];

    public static IEnumerable<TestCaseData> Matrix() =>
        DefaultLibrary.Cases().Select(c => new TestCaseData(c.RuleSet, c.Flow.Id, c.FromRole).SetName(c.Name));

    public static IEnumerable<TestCaseData> RuleSetNames() =>
        DefaultLibrary.RuleSets.Select(r => new TestCaseData(r.Name).SetName($"{r.Name}/oracle-and-kernel-agree"));

    [OneTimeSetUp]
    public async Task StartTopology()
    {
        _prepared = await DefaultLibrary.PreparedAsync(CancellationToken.None);
        _matrix = await LiveMatrix.StartAsync(DefaultLibrary.Topology, DefaultLibrary.Catalog);
        TestContext.Progress.WriteLine($"default topology up in {_matrix.Topology.UpTime.TotalSeconds:0.0} s");
        _routing = (await _matrix.CheckRoutingAsync()).Checks;
    }

    [OneTimeTearDown]
    public async Task StopTopology()
    {
        if (_matrix is not null)
        {
            await _matrix.DisposeAsync();
        }
    }

    [Test]
    public void TopologyRoutesEveryZoneThroughTheFirewallAndNowhereElse()
    {
        Assert.That(_routing.Where(r => r.Destination != $"route to {LiveTopology.OutsideAddress}").ToList(), Is.Not.Empty, "control flows ran");
        Assert.That(_routing.Count(r => r.Destination.StartsWith("route to", StringComparison.Ordinal)), Is.EqualTo(DefaultLibrary.Topology.Hosts.Count),
            "every host was asked for a route out");
        Assert.Multiple(() =>
        {
            foreach (var check in _routing)
            {
                Assert.That(check.Observed, Is.EqualTo(check.Expected), $"{check.Source} → {check.Destination}: {check.Detail}");
            }
        });
    }

    [TestCaseSource(nameof(Matrix))]
    public async Task ObservedVerdictIsTheExpectedOne(string ruleSet, string flow, string from)
    {
        var broken = _routing.Where(r => !r.Holds).ToList();
        Assert.That(broken, Is.Empty, () => "the topology's own routing is broken, so no verdict can be believed: " +
            string.Join("; ", broken.Select(b => $"{b.Source} → {b.Destination} {b.Observed}")));

        var outcomes = (await ObserveAsync(ruleSet)).Flows.Select(f => f.Outcome).ToDictionary(o => o.Case.Key);
        var outcome = outcomes[$"{flow}/{from}"];
        Assert.That(outcome.Case.Expected, Is.Not.Null, "every library rule set states an expectation per flow");
        Assert.That(outcome.Observed, Is.EqualTo(outcome.Case.Expected), $"{outcome.Case.Name} to {outcome.Case.Address}:{outcome.Case.Port}: {outcome.Detail}");
    }

    /// <summary>
    /// The oracle predicts every flow of the rule set (the manager-made ones included: ufw's, Shorewall's
    /// and iptables' iptables-save loaded by iptables-restore, firewalld's whole rulesets on the router and
    /// on the server) with the observed verdict and the rule the kernel's trace names.
    /// </summary>
    [TestCaseSource(nameof(RuleSetNames))]
    public async Task OracleAndKernelAgreeOnEveryFlow(string ruleSet)
    {
        var run = await ObserveAsync(ruleSet);
        Assert.That(run.Flows, Is.Not.Empty);
        var problems = run.Flows
            .Where(f => f.Prediction.Verdict != f.Outcome.Observed || !f.RulesAgree)
            .Select(f => $"{f.Outcome.Case.Name}: observed {f.Outcome.Observed} ({f.Kernel?.Rule?.ToString() ?? f.KernelNote}), " +
                $"predicted {f.Prediction.Verdict?.ToString() ?? "nothing"} ({f.Prediction.Rule?.ToString() ?? f.Prediction.Detail})")
            .ToList();
        Assert.That(problems, Is.Empty, $"{run.Flows.Count - problems.Count} of {run.Flows.Count} flows agree");
    }

    /// <summary>Probes a rule set's whole matrix once; later test cases of the same rule set read the result.</summary>
    private async Task<RuleSetRun> ObserveAsync(string ruleSetName)
    {
        if (_observed.TryGetValue(ruleSetName, out var cached))
        {
            return cached;
        }

        await _firewall.WaitAsync();
        try
        {
            if (_observed.TryGetValue(ruleSetName, out cached))
            {
                return cached;
            }

            var ruleSet = _prepared.Single(r => r.Name == ruleSetName);
            var run = await _matrix!.RunRuleSetAsync(ruleSet);
            _observed[ruleSetName] = run;
            return run;
        }
        finally
        {
            _firewall.Release();
        }
    }
}
