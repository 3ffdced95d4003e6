using System.Text.Json;
using System.Xml.Linq;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.Reports;

namespace Cryptshare.Topology.Tests.Unit.Reports;

/// <summary>
/// A run that lost a host or stopped early: the host-failed verdict is never taken for a firewall's,
/// nor for a mismatch, a blocked flow or a flaky one; report.json says the run is incomplete (an
/// optional field, absent from a complete run) and every report shows why.
/// </summary>
[TestFixture]
public sealed class IncompleteRunTests
{
    private static readonly HostFailureReport LdapKilled = new("ldap", "ldap", "intranet", "killed", 137,
        "its container was killed: the engine sent SIGKILL (docker kill), exit code 137", 1, "01-documented", ["slapd starting", "conn=1000 op=1 BIND"]);

    private static readonly IncompleteRun Incomplete = new(IncompleteCauses.HostFailed, "ldap (ldap, zone intranet) failed in repetition 1, rule set 01-documented: killed.",
        DateTimeOffset.Parse("2026-01-02T03:04:05Z", System.Globalization.CultureInfo.InvariantCulture), 1, 1, [], [LdapKilled],
        [new NotTestedFlow(1, "01-documented", "ldaps", "dmz", "ldap", 636, "ldap")]);

    /// <summary>01-documented with every flow to the directory host-failed, as a run that lost it in repetition 1 reports it.</summary>
    private static MatrixReport LdapFailed(bool incomplete = true)
    {
        var ruleSet = SampleMatrix.RuleSet("01-documented");
        var report = SampleMatrix.Matrix(SampleMatrix.Report(ruleSet, c => c.Destination.Name == "ldap" ? Verdict.HostFailed : null));
        return Diagnostician.Attach(report, SampleMatrix.Catalog, SampleMatrix.Topology, [ruleSet]) with { Incomplete = incomplete ? Incomplete : null };
    }

    [Test]
    public void HostFailedIsAWordOfItsOwnThatReadsBack()
    {
        Assert.That(Verdict.HostFailed.ToWord(), Is.EqualTo("host-failed"));
        Assert.That(VerdictWords.TryParse("host-failed", out var verdict) && verdict == Verdict.HostFailed, Is.True);
        Assert.That(VerdictWords.TryParse("hostfailed", out _), Is.False, "one spelling");
        Assert.That(Verdict.HostFailed.IsTested(), Is.False);
        Assert.That(Enum.GetValues<Verdict>().Where(v => v != Verdict.HostFailed), Is.All.Matches<Verdict>(v => v.IsTested()));
        Assert.That(VerdictWords.ExpectableWords, Is.EqualTo("allowed, dropped, rejected, broken, unroutable"));
    }

    [Test]
    public void AnExpectationFileCannotExpectAHostToFail()
    {
        Assert.That(
            () => Cryptshare.Topology.RuleSets.RuleSetLoader.ReadExpectations("x.expect.yml", "expect:\n  ldaps/dmz: host-failed\n", SampleMatrix.Catalog),
            Throws.TypeOf<Cryptshare.Topology.Input.InputException>().With.Message.Contains("x.expect.yml:2").And.Message.Contains("'host-failed' is what a run records when a host failed"));
    }

    [Test]
    public void ACompleteReportHasNoIncompleteFieldAndAPartialOneHasItLast()
    {
        var complete = JsonDocument.Parse(JsonSerializer.Serialize(LdapFailed(incomplete: false) with { Incomplete = null }, MatrixReport.Json));
        Assert.That(complete.RootElement.EnumerateObject().Select(p => p.Name), Does.Not.Contain("incomplete"), "older readers see the fields they know");

        var partial = LdapFailed();
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(partial, MatrixReport.Json));
        Assert.That(json.RootElement.EnumerateObject().Last().Name, Is.EqualTo("incomplete"));
        Assert.That(json.RootElement.GetProperty("allMatched").GetBoolean(), Is.False, "a partial report is never all matched");
        var failure = json.RootElement.GetProperty("incomplete").GetProperty("hostFailures")[0];
        Assert.That((failure.GetProperty("host").GetString(), failure.GetProperty("what").GetString(), failure.GetProperty("exitCode").GetInt32()), Is.EqualTo(("ldap", "killed", 137)));
        Assert.That(json.RootElement.GetProperty("ruleSets")[0].GetProperty("flows").EnumerateArray().Count(f => f.GetProperty("observed").GetString() == "host-failed"),
            Is.EqualTo(partial.RuleSets[0].Flows.Count(f => f.To == "ldap")).And.GreaterThan(0));
    }

    [Test]
    public void APartialReportReadsBack()
    {
        var path = Path.Combine(Path.GetTempPath(), $"ctt-incomplete-{Guid.NewGuid():N}");
        try
        {
            LdapFailed().WriteTo(path);
            var read = MatrixReport.Read(Path.Combine(path, "report.json"));
            Assert.That(read.Incomplete, Is.Not.Null);
            Assert.That(read.Incomplete!.HostFailures.Single().LastLog, Is.EqualTo(LdapKilled.LastLog));
            Assert.That(read.Incomplete.NotTested!.Single(), Is.EqualTo(Incomplete.NotTested![0]));
            Assert.That(read.RuleSets[0].Flows.Where(f => f.To == "ldap").Select(f => f.Observed), Is.All.EqualTo(Verdict.HostFailed));
        }
        finally
        {
            Directory.Delete(path, recursive: true);
        }
    }

    [Test]
    public void HostFailedFlowsAreNotMismatchesNorBlockedButTheWholeIsIncomplete()
    {
        var report = LdapFailed();
        var judgement = Judge.Live(report);
        var toLdap = report.RuleSets[0].Flows.Count(f => f.To == "ldap");
        Assert.That(judgement.Mismatches, Is.Empty, "not tested is not a mismatch");
        Assert.That(judgement.Problems, Is.Empty, "nor a blocked required flow");
        Assert.That(judgement.NotTested, Has.Count.EqualTo(toLdap));
        Assert.That(judgement.Outcome, Is.EqualTo(JudgementOutcome.Incomplete));
    }

    [Test]
    public void AnIncompleteRunOutranksProblemsFoundInWhatWasTested()
    {
        var ruleSet = SampleMatrix.RuleSet("01-documented");
        var report = SampleMatrix.Matrix(SampleMatrix.Report(ruleSet, c => c.Key == "ui-https/internet" ? Verdict.Dropped : c.Destination.Name == "ldap" ? Verdict.HostFailed : null));
        var judgement = Judge.Live(Diagnostician.Attach(report, SampleMatrix.Catalog, SampleMatrix.Topology, [ruleSet]) with { Incomplete = Incomplete });
        Assert.That(judgement.Mismatches.Select(m => m.Id), Is.EqualTo(new[] { "ui-https" }), "what was tested is still judged");
        Assert.That(judgement.Outcome, Is.EqualTo(JudgementOutcome.Incomplete));
    }

    [Test]
    public void AHostThatDiedInOneRepetitionDoesNotMakeItsFlowsFlaky()
    {
        FlowReport Flow(string id, Verdict observed) => new(id, "dmz", "ldap", 636, Verdict.Allowed, observed, 10, "detail", true, false);
        MatrixReport Repetition(params FlowReport[] flows) => new([new RuleSetReport("01-documented", new string('a', 64), flows)], new ReportTimings(1, 1));
        var flaky = Flakiness.Find([
            Repetition(Flow("ldaps", Verdict.Allowed), Flow("ldap", Verdict.Allowed)),
            Repetition(Flow("ldaps", Verdict.HostFailed), Flow("ldap", Verdict.Broken)),
            Repetition(Flow("ldaps", Verdict.Allowed), Flow("ldap", Verdict.Allowed)),
        ]);
        Assert.That(flaky.Flows.Select(f => f.Id), Is.EqualTo(new[] { "ldap" }), "a broken verdict is flaky; a dead host is not");
        Assert.That(flaky.Flows[0].Counts, Is.EqualTo(new[] { new VerdictCount(Verdict.Allowed, 2), new VerdictCount(Verdict.Broken, 1) }));
    }

    [Test]
    public void JUnitMakesHostFailedFlowsErrorsAndAddsTheReasonAsASuite()
    {
        var report = LdapFailed();
        var junit = JUnitReport.Build(report);
        var toLdap = report.RuleSets[0].Flows.Count(f => f.To == "ldap");
        var flowErrors = junit.Descendants("testsuite").Where(s => (string?)s.Attribute("name") == "01-documented").Descendants("error").ToList();
        Assert.That(flowErrors.Select(e => (string?)e.Attribute("type")), Is.EqualTo(Enumerable.Repeat("host-failed", toLdap)));
        Assert.That(junit.Descendants("failure"), Is.Empty, "not tested is no failure of the rule set");
        var run = junit.Descendants("testsuite").Single(s => (string?)s.Attribute("name") == JUnitReport.IncompleteSuite);
        Assert.That(run.Element("testcase")!.Element("error")!.Value, Does.Contain("ldap (ldap, zone intranet)").And.Contain("conn=1000 op=1 BIND"));
        Assert.That((int)junit.Root!.Attribute("errors")!, Is.EqualTo(toLdap + 1));
    }

    [Test]
    public void TheHtmlSaysFirstThatTheRunIsIncompleteAndShowsTheHostsLog()
    {
        var html = HtmlReport.Render(LdapFailed(), SampleMatrix.Topology);
        Assert.That(html, Does.Contain("data-incomplete=\"host-failed\""));
        var section = html.IndexOf("<section id=\"incomplete\"", StringComparison.Ordinal);
        Assert.That(section, Is.GreaterThan(0).And.LessThan(html.IndexOf("<section id=\"summary\"", StringComparison.Ordinal)));
        Assert.That(html, Does.Contain("data-host=\"ldap\" data-what=\"killed\"").And.Contain("conn=1000 op=1 BIND"));
        Assert.That(html, Does.Contain("not tested: a host failed"));
        Assert.That(html, Does.Not.Contain("class=\"flow mismatch\" data-flow=\"ldaps\""), "a host-failed row is not marked as a mismatch");
        Assert.That(HtmlReport.Render(LdapFailed(incomplete: false), SampleMatrix.Topology), Does.Not.Contain("id=\"incomplete\""));
    }

    [Test]
    public void CountsKeepHostFailedFlowsApart()
    {
        var report = LdapFailed();
        var counts = ReportCounts.Of(report.RuleSets[0]);
        var toLdap = report.RuleSets[0].Flows.Count(f => f.To == "ldap");
        Assert.That((counts.Matched, counts.Mismatched, counts.ByVerdict[Verdict.HostFailed]), Is.EqualTo((counts.Flows - toLdap, 0, toLdap)));
    }
}
