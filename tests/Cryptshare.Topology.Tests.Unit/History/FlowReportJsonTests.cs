using System.Text.Json;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.Reports;

namespace Cryptshare.Topology.Tests.Unit.History;

/// <summary>FlowReport's optional oracle fields (predicted, decidingRule) in report.json.</summary>
[TestFixture]
public sealed class FlowReportJsonTests
{
    [Test]
    public void PredictedAndDecidingRuleRoundTrip()
    {
        var flow = new FlowReport("ldaps", "dmz", "ldap", 636, Verdict.Allowed, Verdict.Dropped, 2000, "no answer", true, false,
            Predicted: Verdict.Dropped, DecidingRule: ReportedRule.Parse("""{"chain":"forward","handle":12}"""));
        var json = JsonSerializer.Serialize(flow, MatrixReport.Json);
        Assert.That(json, Does.Contain("\"predicted\": \"dropped\""));
        Assert.That(JsonSerializer.Deserialize<FlowReport>(json, MatrixReport.Json), Is.EqualTo(flow));
    }

    [Test]
    public void ConnectAndExchangeTimesRoundTripAndAreNullWhenUnknown()
    {
        var flow = new FlowReport("smtps", "intranet", "relay-465", 465, Verdict.Allowed, Verdict.Allowed, 41, "accepted", true, false, ConnectMs: 3, ExchangeMs: 38);
        var json = JsonSerializer.Serialize(flow, MatrixReport.Json);
        Assert.That(json, Does.Contain("\"connectMs\": 3").And.Contain("\"exchangeMs\": 38"));
        Assert.That(JsonSerializer.Deserialize<FlowReport>(json, MatrixReport.Json), Is.EqualTo(flow));
        Assert.That(JsonSerializer.Serialize(flow with { ConnectMs = null, ExchangeMs = null }, MatrixReport.Json), Does.Contain("\"connectMs\": null").And.Contain("\"exchangeMs\": null"));
    }

    [Test]
    public void AReportWrittenBeforeTheOracleFieldsStillReads()
    {
        const string older = """
            {"id": "smtp", "from": "dmz", "to": "relay", "port": 25, "expected": "allowed", "observed": "allowed",
             "elapsedMs": 4, "detail": "250 OK", "required": true, "exposure": false}
            """;
        var flow = JsonSerializer.Deserialize<FlowReport>(older, MatrixReport.Json)!;
        Assert.That((flow.Predicted, flow.DecidingRule), Is.EqualTo(((Verdict?)null, (ReportedRule?)null)));
        Assert.That((flow.ConnectMs, flow.ExchangeMs), Is.EqualTo(((long?)null, (long?)null)), "no connect or exchange time in an older report");
    }
}
