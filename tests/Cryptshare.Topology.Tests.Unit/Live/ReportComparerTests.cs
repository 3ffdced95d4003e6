using Cryptshare.Topology.Input;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.Reports;

namespace Cryptshare.Topology.Tests.Unit.Live;

/// <summary>What compare says about each pair of verdicts, and which rows keep the two sides from agreeing.</summary>
[TestFixture]
public sealed class ReportComparerTests
{
    private const string Rule = "{\"family\":\"inet\",\"table\":\"perimeter\",\"chain\":\"forward\",\"handle\":15,\"comment\":\"LDAP, LDAPS\",\"text\":\"accept\"}";

    [TestCase(Verdict.Allowed, Verdict.Dropped, "no answer to the SYN", "blocked-on-the-path", "a device or host firewall on the path that the rules given do not contain drops it")]
    [TestCase(Verdict.Allowed, Verdict.Rejected, "ICMP admin-prohibited from 10.9.9.9", "blocked-on-the-path", "a device on the path refuses it with an ICMP error")]
    [TestCase(Verdict.Dropped, Verdict.Allowed, "bound as cn=x", "rules-not-in-force", "the rules given are not the ones in force")]
    [TestCase(Verdict.Allowed, Verdict.Broken, "TLS: name mismatch: the certificate is for a, the client expected b", "broken-in-the-protocol", "the TLS name does not match")]
    [TestCase(Verdict.Allowed, Verdict.Broken, "TLS: the certificate (CN=x, issued by CN=proxy) does not chain to the CA bundle ca.pem: UntrustedRoot", "broken-in-the-protocol", "another issuer")]
    [TestCase(Verdict.Allowed, Verdict.Broken, "AUTH refused for relay: 535: authentication failed", "broken-in-the-protocol", "the server refuses the login (AUTH)")]
    [TestCase(Verdict.Allowed, Verdict.Broken, "HTTP 400: the server refused Cryptshare for Outlook's call; it needs the X-CS-* headers unchanged", "broken-in-the-protocol", "a proxy strips headers")]
    [TestCase(Verdict.Dropped, Verdict.Rejected, "TCP RST (connection refused)", "blocked-differently", "Blocked in both")]
    [TestCase(Verdict.Allowed, Verdict.Unroutable, "no route to 10.0.0.1", "no-route-live", "not a firewall rule")]
    [TestCase(Verdict.Allowed, Verdict.Allowed, "HTTP 200", "agree", "Both allowed.")]
    public void EachPairOfVerdictsHasItsMeaning(Verdict simulated, Verdict live, string detail, string agreement, string meaning)
    {
        var comparison = ReportComparer.Compare(Simulated(("ldaps", "dmz", simulated)), [("live.json", Live("dmz", ("ldaps", live, detail)))]);

        var row = comparison.Flows.Single();
        Assert.That(ComparisonHtml.Word(row.Agreement), Is.EqualTo(agreement));
        Assert.That(row.Meaning, Does.Contain(meaning));
        Assert.That(comparison.Agrees, Is.EqualTo(simulated == live));
    }

    [Test]
    public void TheHopsSayWhereThePacketsWereLastSeen()
    {
        var live = Live("dmz", ("ldaps", Verdict.Dropped, "no answer to the SYN within 2000 ms")) with
        {
            Paths = [new FlowPath("ldaps", "dmz", "10.77.3.30", 636, [new Hop(1, "10.77.2.254", null), new Hop(2, null, null)])],
        };
        var row = ReportComparer.Compare(Simulated(("ldaps", "dmz", Verdict.Allowed)), [("live.json", live)]).Flows.Single();

        Assert.That(row.Meaning, Does.Contain("(rule inet perimeter forward #15 (\"LDAP, LDAPS\"))"));
        Assert.That(row.Meaning, Does.Contain("Hops the agent saw: 1 10.77.2.254, 2 no answer: the last to answer was 10.77.2.254 (hop 1)"));
    }

    [Test]
    public void FlowsOfZonesNotProbedLiveAreListedButDoNotDisagree()
    {
        var comparison = ReportComparer.Compare(
            Simulated(("ldaps", "dmz", Verdict.Allowed), ("ui-http", "internet", Verdict.Allowed), ("x", "dmz", null)),
            [("live.json", Live("dmz", ("ldaps", Verdict.Allowed, "ok")))]);

        Assert.That(comparison.Flows.Select(f => $"{f.FlowId}:{ComparisonHtml.Word(f.Agreement)}"), Is.EquivalentTo(new[] { "ldaps:agree", "ui-http:not-probed-live", "x:not-probed-live" }));
        Assert.That(comparison.Agrees, Is.True);
        Assert.That(comparison.Compared, Is.EqualTo(1));
        Assert.That(ComparisonHtml.Lead(comparison), Is.EqualTo("simulation and live network agree on all 1 flows compared; 2 simulated flows were not probed live"));
    }

    [Test]
    public void AnUnpredictedFlowOrOneTheSimulationLacksIsNoAgreement()
    {
        var comparison = ReportComparer.Compare(
            Simulated(("ldaps", "dmz", null), ("smtp", "dmz", Verdict.Allowed)),
            [("live.json", Live("dmz", ("ldaps", Verdict.Allowed, "ok"), ("smtp", Verdict.Allowed, "ok"), ("ftp", Verdict.Allowed, "ok")))]);

        Assert.That(comparison.Differences.Select(f => $"{f.FlowId}:{ComparisonHtml.Word(f.Agreement)}"), Is.EquivalentTo(new[] { "ldaps:not-predicted", "ftp:not-simulated" }));
        Assert.That(comparison.Agrees, Is.False);
    }

    [Test]
    public void ReportsWithNoFlowInCommonAreBadInput()
    {
        var error = Assert.Throws<InputException>(() => ReportComparer.Compare(Simulated(("ldaps", "dmz", Verdict.Allowed)), [("live.json", Live("intranet", ("ui-http", Verdict.Allowed, "ok")))]))!;
        Assert.That(error.Message, Does.Contain("has no flow in common"));
    }

    [Test]
    public void InsecureTlsIsSaidBesideTheComparison()
    {
        var live = Live("dmz", ("ldaps", Verdict.Allowed, "ok")) with { Tls = new LiveTls(false, "not checked: --insecure-tls") };
        var comparison = ReportComparer.Compare(Simulated(("ldaps", "dmz", Verdict.Allowed)), [("live.json", live)]);

        Assert.That(comparison.Warnings.Single(), Does.Contain("certificates were not checked on m1"));
        Assert.That(ComparisonHtml.Render(comparison), Does.Contain("class=\"warning\"").And.Contain("data-differences=\"0\""));
    }

    [Test]
    public void ALiveReportReadsBackAndIsTheOnlyKindCompareTakesAsLive()
    {
        var folder = Directory.CreateTempSubdirectory("ctt-live-").FullName;
        try
        {
            var path = Path.Combine(folder, LiveReport.FileName);
            Live("dmz", ("ldaps", Verdict.Dropped, "no answer")).Write(path);
            Assert.That(LiveReport.Read(path).Observed.Flows.Single().Observed, Is.EqualTo(Verdict.Dropped));
            Assert.That(MatrixReport.Read(path).RuleSets.Single().Flows.Single().Id, Is.EqualTo("ldaps"), "a reader of report.json reads a live report too");

            var run = Path.Combine(folder, "report.json");
            new MatrixReport([new RuleSetReport("r", "", [])], new ReportTimings(0, 0)).WriteTo(folder);
            Assert.That(Assert.Throws<InputException>(() => LiveReport.Read(run))!.Message, Does.Contain("not a live report"));
            Assert.That(Assert.Throws<InputException>(() => SimulatedMatrix.Read(path))!.Message, Does.Contain("is a live report"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static SimulatedMatrix Simulated(params (string Id, string From, Verdict? Verdict)[] flows) =>
        new("report.json", "analyze", "01-documented", flows.Select(f => new SimulatedFlow(f.Id, f.From, "ldap", 636, f.Verdict, ReportedRule.Parse(Rule)!.Name, "predicted")).ToList());

    private static LiveReport Live(string zone, params (string Id, Verdict Observed, string Detail)[] flows) => new(
        LiveReport.LiveSource, "m1", DateTimeOffset.UnixEpoch, "default", "sha", zone, "ctt-live-probe test", new LiveTls(true, "validated against the CA bundle ca.pem"),
        [new RuleSetReport("live", "sha", flows.Select(f => new FlowReport(f.Id, zone, "ldap", 636, null, f.Observed, 1, f.Detail, true, false)).ToList())],
        new ReportTimings(0, 1), [], []);
}
