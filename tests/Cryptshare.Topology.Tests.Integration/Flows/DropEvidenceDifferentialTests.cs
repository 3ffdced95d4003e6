using Cryptshare.Topology.Model;
using Cryptshare.Topology.Runs.Live;

namespace Cryptshare.Topology.Tests.Integration.Flows;

/// <summary>
/// Drops decided from the trace change how long a dropped probe waits, never its verdict: on one
/// topology, every rule set of the library is run twice, once with drops decided from the
/// firewall's trace and once waiting out every connect timeout, and each flow must come out with
/// the same verdict and the same deciding rule both times. The library is read as it is, so rule
/// sets added to it are covered without a change here.
/// </summary>
[TestFixture]
[Category("Flows")]
[NonParallelizable]
public sealed class DropEvidenceDifferentialTests
{
    private LiveMatrix? _matrix;
    private IReadOnlyList<Cryptshare.Topology.RuleSets.RuleSet> _prepared = [];

    public static IEnumerable<TestCaseData> Library() =>
        DefaultLibrary.RuleSets.Select(r => new TestCaseData(r.Name).SetName($"drops-from-trace/{r.Name}"));

    [OneTimeSetUp]
    public async Task StartTopology()
    {
        // As run prepares them: an iptables-save file is loaded by iptables-restore, and only a
        // prepared rule set says so (the library as read holds the file's text alone).
        _prepared = await DefaultLibrary.PreparedAsync(CancellationToken.None);
        _matrix = await LiveMatrix.StartAsync(DefaultLibrary.Topology, DefaultLibrary.Catalog);
        await _matrix.ProveRoutingAsync();
    }

    [OneTimeTearDown]
    public async Task StopTopology()
    {
        if (_matrix is not null)
        {
            await _matrix.DisposeAsync();
        }
    }

    [TestCaseSource(nameof(Library))]
    public async Task EvidenceAndTimeoutGiveTheSameVerdicts(string ruleSetName)
    {
        var ruleSet = _prepared.Single(r => r.Name == ruleSetName);
        _matrix!.DropsFromTrace = true;
        var fromTrace = await _matrix.RunRuleSetAsync(ruleSet);
        _matrix.DropsFromTrace = false;
        var waited = await _matrix.RunRuleSetAsync(ruleSet);

        var byKey = waited.Flows.ToDictionary(f => f.Outcome.Case.Key);
        Assert.That(fromTrace.Flows, Is.Not.Empty, "the rule set has flows to probe");
        Assert.That(fromTrace.Flows.Select(f => f.Outcome.Case.Key), Is.EquivalentTo(byKey.Keys), "both modes probed the same flows");
        Assert.Multiple(() =>
        {
            foreach (var flow in fromTrace.Flows)
            {
                var other = byKey[flow.Outcome.Case.Key];
                Assert.That(flow.Outcome.Observed, Is.EqualTo(other.Outcome.Observed),
                    $"{flow.Outcome.Case.Name}: from the trace '{flow.Outcome.Detail}', waited out '{other.Outcome.Detail}'");
                Assert.That(flow.Kernel?.Rule?.ToString(), Is.EqualTo(other.Kernel?.Rule?.ToString()), $"{flow.Outcome.Case.Name}: the deciding rule");
            }
        });
    }

    [TestCase("01-documented", Description = "drops at the perimeter: evidence must end those waits, or the comparison above would hold only because no drop was ever decided from the trace")]
    [TestCase("11-ufw-perimeter", Description = "ufw rate-limits its LOG rules: a limit that decides nothing must not stop the evidence")]
    public async Task DropsAreDecidedFromTheTrace(string ruleSetName)
    {
        var ruleSet = _prepared.Single(r => r.Name == ruleSetName);
        _matrix!.DropsFromTrace = true;
        var run = await _matrix.RunRuleSetAsync(ruleSet);
        var dropped = run.Flows.Where(f => f.Outcome.Observed == Verdict.Dropped).ToList();
        Assert.That(dropped, Is.Not.Empty, $"{ruleSet.Name} drops some flows");
        Assert.That(dropped.Where(f => !f.Outcome.Detail.Contains("trace showed", StringComparison.Ordinal)).Select(f => $"{f.Outcome.Case.Name}: {f.Outcome.Detail}"), Is.Empty,
            "every drop was decided from the trace");
    }
}
