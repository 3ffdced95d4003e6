using System.Net;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.Oracle;
using Cryptshare.Topology.Oracle.Matrix;
using Cryptshare.Topology.Reports;
using Cryptshare.Topology.RuleSets;

namespace Cryptshare.Topology.Tests.Unit.Oracle;

/// <summary>
/// The matrix oracle on the library's rule sets as nft 1.1.3 listed them (matrix/*.json, from
/// fixtures/rulesets): the handshake decides (missing return traffic), DNAT through a published
/// address, the server's host firewall as a second hop, and the library's own expectations.
/// </summary>
[TestFixture]
[Category("Oracle")]
public sealed class MatrixOracleTests
{
    private static readonly string Folder = Path.Combine(RepositoryLayout.Root, "tests", "Cryptshare.Topology.Tests.Unit", "Oracle", "matrix");
    private static readonly FlowCatalog Catalog = FlowCatalog.Load(Path.Combine(RepositoryLayout.Fixtures, "flows", "catalog.yml"));
    private static readonly TopologyDefinition Topology = TopologyLoader.Load(Path.Combine(RepositoryLayout.Fixtures, "topologies", "default.yml"), Catalog);

    private static string Json(string name) => File.ReadAllText(Path.Combine(Folder, name + ".json"));

    private static RuleSet Library(string name) => RuleSetLoader.Load(Path.Combine(RepositoryLayout.Fixtures, "rulesets", name + ".nft"), Catalog);

    [TestCase("08-missing-established")]
    [TestCase("09-dnat-perimeter")]
    [TestCase("10-host-firewall")]
    public void PredictsTheLibrarysExpectations(string name)
    {
        var ruleSet = Library(name);
        var host = File.Exists(Path.Combine(Folder, name + ".host.json")) ? Json(name + ".host") : null;
        var report = StaticMatrix.Predict(Topology, Catalog, ruleSet, Json(name), host, "nft 1.1.3 (stored)");
        Assert.That(report.Flows.Where(f => f.Predicted != f.Expected).Select(f => $"{f.Id}/{f.From}: expected {f.Expected}, predicted {f.Predicted} ({f.Detail})"), Is.Empty);
    }

    [Test]
    public void WithoutReturnTrafficTheReplyIsDroppedByThePolicy()
    {
        var oracle = MatrixOracle.For(Topology, Json("08-missing-established"));
        var prediction = oracle.Predict(new ProbedConnection(IPAddress.Parse("10.77.1.10"), "internet", IPAddress.Parse("10.77.2.10"), 443));
        Assert.That((prediction.Verdict, prediction.Step, prediction.Rule?.Text), Is.EqualTo((Verdict.Dropped, HandshakeStep.SynAck, "policy drop")), prediction.Detail);
        Assert.That(prediction.Detail, Does.StartWith("SYN accepted by inet perimeter forward #"));
    }

    [Test]
    public void APublishedAddressIsFollowedThroughItsDnat()
    {
        var oracle = MatrixOracle.For(Topology, Json("09-dnat-perimeter"));
        var published = oracle.Predict(new ProbedConnection(IPAddress.Parse("10.77.1.10"), "internet", IPAddress.Parse("10.77.1.254"), 443));
        Assert.That((published.Verdict, published.Rule?.Comment), Is.EqualTo((Verdict.Allowed, "published web app, only through the DNAT")), published.Detail);
        var direct = oracle.Predict(new ProbedConnection(IPAddress.Parse("10.77.1.10"), "internet", IPAddress.Parse("10.77.2.10"), 443));
        Assert.That((direct.Verdict, direct.Rule?.Text), Is.EqualTo((Verdict.Dropped, "policy drop")), "the server's own address only through the DNAT (ct status dnat)");
    }

    [Test]
    public void TheServersOwnFirewallIsTheSecondHop()
    {
        var oracle = MatrixOracle.For(Topology, Json("10-host-firewall"), Json("10-host-firewall.host"));
        var prediction = oracle.Predict(new ProbedConnection(IPAddress.Parse("10.77.4.10"), "admin", IPAddress.Parse("10.77.2.10"), 9090));
        Assert.That((prediction.Verdict, prediction.Hop, prediction.Rule?.Table, prediction.Rule?.Comment),
            Is.EqualTo((Verdict.Dropped, Hops.Host, "ctt_host", "host firewall: HTTP admin interface not opened")), prediction.Detail);
        var https = oracle.Predict(new ProbedConnection(IPAddress.Parse("10.77.4.10"), "admin", IPAddress.Parse("10.77.2.10"), 8080));
        Assert.That((https.Verdict, https.Hop, https.Rule?.Table), Is.EqualTo((Verdict.Allowed, Hops.Firewall, "perimeter")), https.Detail);
    }

    [Test]
    public void TheDecidingRuleIsNestedJsonInReportJson()
    {
        var rule = ReportedRule.From(new RuleReference("inet", "perimeter", "forward", 7, "mail relays", "tcp dport 25 accept comment \"mail relays\""), PacketVerdict.Accept, RuleSource.Kernel);
        var flow = new FlowReport("smtp", "dmz", "relay-25", 25, Verdict.Allowed, Verdict.Allowed, 4, "250 OK", true, false, Verdict.Allowed, rule);
        var json = System.Text.Json.JsonSerializer.Serialize(flow, MatrixReport.Json);
        Assert.That(json, Does.Contain("\"decidingRule\": {").And.Contain("\"source\": \"kernel\"").And.Contain("\"comment\": \"mail relays\""));
        Assert.That(System.Text.Json.JsonSerializer.Deserialize<FlowReport>(json, MatrixReport.Json), Is.EqualTo(flow with { DecidingRule = rule! with { Action = null } }), "all but the action, which report.json does not hold");
    }

    [Test]
    public void ADecidingRuleWrittenAsAStringStillReads()
    {
        const string older = """
            {"id": "smtp", "from": "dmz", "to": "relay-25", "port": 25, "expected": "allowed", "observed": "allowed", "elapsedMs": 4,
             "detail": "", "required": true, "exposure": false, "predicted": "allowed",
             "decidingRule": "{\"family\":\"inet\",\"table\":\"perimeter\",\"chain\":\"forward\",\"handle\":7,\"comment\":null,\"text\":\"x\",\"source\":\"oracle\"}"}
            """;
        var flow = System.Text.Json.JsonSerializer.Deserialize<FlowReport>(older, MatrixReport.Json)!;
        Assert.That(flow.DecidingRule, Is.EqualTo(new ReportedRule(new RuleReference("inet", "perimeter", "forward", 7, null, "x"), RuleSource.Oracle, null)));
    }
}
