using System.Text.Json.Nodes;
using Cryptshare.Topology.Reports;
using Cryptshare.Topology.RuleSets;

namespace Cryptshare.Topology.Tests.Unit.Reports;

/// <summary>
/// "oracle and kernel agree" is claimed only over the flows the oracle predicted: the coverage of a
/// rule set counts them and names the first construct it cannot read by the file's line.
/// </summary>
[TestFixture]
public sealed class PredictionCoverageTests
{
    [Test]
    public void EveryFlowPredictedIsComplete()
    {
        var ruleSet = SampleMatrix.RuleSet("01-documented");
        var coverage = PredictionCoverage.Of(SampleMatrix.Report(ruleSet), SampleMatrix.Context(ruleSet));
        Assert.That((coverage.Complete, coverage.Predicted, coverage.FirstUnreadable), Is.EqualTo((true, coverage.Total, (string?)null)));
    }

    [Test]
    public void AConstructTheOracleCannotReadIsCountedAndNamedByItsLine()
    {
        // The documented rule set with a rate limit as the forward chain's first rule (line 6):
        // the oracle cannot judge a limit, so it predicts no flow that reaches that rule.
        var documented = SampleMatrix.RuleSet("01-documented");
        var lines = documented.Text.Split('\n').ToList();
        var first = lines.FindIndex(l => l.Contains("ct state established", StringComparison.Ordinal));
        lines.Insert(first, "\t\tlimit rate 10/minute accept comment \"rate limited\"");
        var ruleSet = documented with { Text = string.Join('\n', lines) };
        var edit = new NftJsonEdit(SampleMatrix.Json("01-documented"));
        var mark = new JsonArray(
            new JsonObject { ["limit"] = new JsonObject { ["rate"] = 10, ["burst"] = 5, ["per"] = "minute" } },
            new JsonObject { ["accept"] = null });
        Assert.That(edit.InsertRule("inet", "perimeter", "forward", null, atTop: true, mark), Is.True);
        var parsed = new RuleSetJson(edit.ToString(), null);
        var report = SampleMatrix.Report(ruleSet, parsed: parsed);
        report = report with { Flows = report.Flows.Select(f => f with { Predicted = null }).ToList() };

        var coverage = PredictionCoverage.Of(report, new DiagnosisContext(SampleMatrix.Catalog, SampleMatrix.Topology, ruleSet, parsed));

        Assert.That((coverage.Predicted, coverage.Complete), Is.EqualTo((0, false)));
        Assert.That(coverage.ToString(), Does.StartWith($"oracle predicted 0 of {report.Flows.Count} flows of 01-documented; the first construct it cannot read: 01-documented.nft:{first + 1}: "));
        Assert.That(coverage.ToString(), Does.Contain("limit"));
    }
}
