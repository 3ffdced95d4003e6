using Cryptshare.Topology.Model;
using Cryptshare.Topology.Reports;
using Cryptshare.Topology.RuleSets;
using Cryptshare.Topology.Runs.Live;

namespace Cryptshare.Topology.Tests.Unit.Scale;

/// <summary>`run --parallel K`: the rule sets spread over K topologies, and the parts merged into one report in the given order.</summary>
[TestFixture]
public sealed class ParallelMatrixTests
{
    private static readonly IReadOnlyList<RuleSet> Five = new[] { "a", "b", "c", "d", "e" }.Select(n => new RuleSet(n, $"/rules/{n}.nft", "table inet x {}", null, new Dictionary<string, System.Net.IPAddress>(), null)).ToList();

    [Test]
    public void RuleSetsAreDealtRoundTheTopologiesInOrder()
    {
        var shares = ParallelMatrix.Spread(Five, 2);
        Assert.That(shares.Select(s => string.Join("", s.Select(r => r.Name))), Is.EqualTo(new[] { "ace", "bd" }));
    }

    [Test]
    public void NeverMoreTopologiesThanRuleSets() =>
        Assert.That(ParallelMatrix.Spread(Five.Take(2).ToList(), 3), Has.Count.EqualTo(2));

    [Test]
    public void TheMergedReportHasTheRuleSetsInTheGivenOrderAndTheSlowestPartsTimes()
    {
        var first = Part(("a", Verdict.Allowed), ("c", Verdict.Dropped)) with { Report = Report(900, 4000, "a", "c") };
        var second = Part(("b", Verdict.Allowed)) with { Report = Report(1200, 3000, "b") };
        var merged = ParallelMatrix.Merge(Five, [first, second]);
        Assert.That(merged.Report.RuleSets.Select(r => r.Name), Is.EqualTo(new[] { "a", "b", "c" }));
        Assert.That(merged.Report.Timings, Is.EqualTo(new ReportTimings(1200, 4000)));
        Assert.That(merged.Report.Flaky, Is.Null);
    }

    [Test]
    public void FlakyFlowsAndFindingsOfEveryPartAreKeptInRuleSetOrder()
    {
        var first = Part(("a", Verdict.Allowed), ("c", Verdict.Dropped));
        first = first with { Report = first.Report with { Flaky = Flaky(20, 9000, "c") }, Findings = [Finding("c"), Finding("a")] };
        var second = Part(("b", Verdict.Allowed));
        second = second with { Report = second.Report with { Flaky = Flaky(20, 7000, "b") }, Findings = [Finding("b")] };
        var merged = ParallelMatrix.Merge(Five, [first, second]);
        Assert.That(merged.Report.Flaky!.Repeats, Is.EqualTo(20));
        Assert.That(merged.Report.Flaky.MatrixMs, Is.EqualTo(9000));
        Assert.That(merged.Report.Flaky.Flows.Select(f => f.RuleSet), Is.EqualTo(new[] { "b", "c" }));
        Assert.That(merged.Findings.Select(f => f.Case), Is.EqualTo(new[] { "a/ldaps/dmz", "b/ldaps/dmz", "c/ldaps/dmz" }));
    }

    private static MatrixRun Part(params (string RuleSet, Verdict Observed)[] ruleSets) =>
        new(new MatrixReport([.. ruleSets.Select(r => RuleSetReport(r.RuleSet, r.Observed))], new ReportTimings(1000, 2000)), []);

    private static MatrixReport Report(long upMs, long matrixMs, params string[] names) =>
        new([.. names.Select(n => RuleSetReport(n, Verdict.Allowed))], new ReportTimings(upMs, matrixMs));

    private static RuleSetReport RuleSetReport(string name, Verdict observed) =>
        new(name, new string('a', 64), [new FlowReport("ldaps", "dmz", "ldap", 636, Verdict.Allowed, observed, 3, "detail", true, false)]);

    private static FlakinessReport Flaky(int repeats, long matrixMs, string ruleSet) =>
        new(repeats, matrixMs, [new FlakyFlow(ruleSet, "ldaps", "dmz", "ldap", 636, Verdict.Allowed, [new VerdictCount(Verdict.Allowed, repeats - 1), new VerdictCount(Verdict.Dropped, 1)])]);

    private static MatrixFinding Finding(string ruleSet) => new($"{ruleSet}/ldaps/dmz", "predicted allowed, observed dropped", "oracle", "kernel");
}
