using System.Text.Json;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.Reports;

namespace Cryptshare.Topology.Tests.Unit.Reports;

/// <summary>`run --repeat N`: which flows varied between repetitions, and the flaky section of report.json.</summary>
[TestFixture]
public sealed class FlakinessTests
{
    private static FlowReport Flow(string id, string from, Verdict observed, Verdict? expected = Verdict.Allowed) =>
        new(id, from, "cryptshare", 443, expected, observed, 10, "detail", true, false);

    private static MatrixReport Repetition(long matrixMs, params FlowReport[] flows) =>
        new([new RuleSetReport("01-documented", new string('a', 64), flows)], new ReportTimings(100, matrixMs));

    [Test]
    public void RepetitionsWithTheSameVerdictsHaveNoFlakyFlow()
    {
        var flaky = Flakiness.Find([
            Repetition(5, Flow("ui-https", "internet", Verdict.Allowed), Flow("ssh-shell", "internet", Verdict.Dropped, Verdict.Dropped)),
            Repetition(7, Flow("ui-https", "internet", Verdict.Allowed), Flow("ssh-shell", "internet", Verdict.Dropped, Verdict.Dropped)),
        ]);
        Assert.That((flaky.Repeats, flaky.MatrixMs, flaky.Flows.Count, flaky.AnyFlaky), Is.EqualTo((2, 12L, 0, false)));
    }

    [Test]
    public void AFlowThatVariedIsListedWithItsVerdictCountsMostFrequentFirst()
    {
        var flaky = Flakiness.Find([
            Repetition(1, Flow("ui-https", "internet", Verdict.Allowed), Flow("ldaps", "dmz", Verdict.Allowed)),
            Repetition(1, Flow("ui-https", "internet", Verdict.Allowed), Flow("ldaps", "dmz", Verdict.Dropped)),
            Repetition(1, Flow("ui-https", "internet", Verdict.Allowed), Flow("ldaps", "dmz", Verdict.Allowed)),
        ]);
        Assert.That(flaky.Flows, Has.Count.EqualTo(1));
        var ldaps = flaky.Flows[0];
        Assert.That((ldaps.RuleSet, ldaps.Id, ldaps.From, ldaps.To, ldaps.Port, ldaps.Expected), Is.EqualTo(("01-documented", "ldaps", "dmz", "cryptshare", 443, (Verdict?)Verdict.Allowed)));
        Assert.That(ldaps.Counts, Is.EqualTo(new[] { new VerdictCount(Verdict.Allowed, 2), new VerdictCount(Verdict.Dropped, 1) }));
    }

    [Test]
    public void AFlowMissingFromARepetitionIsAHarnessFaultNotFlakiness()
    {
        Assert.That(() => Flakiness.Find([
            Repetition(1, Flow("ui-https", "internet", Verdict.Allowed), Flow("ldaps", "dmz", Verdict.Allowed)),
            Repetition(1, Flow("ui-https", "internet", Verdict.Allowed)),
        ]), Throws.InvalidOperationException.With.Message.Contains("ldaps from dmz was probed 1 times in 2 repetitions"));
    }

    [Test]
    public void TheFlakySectionIsTheLastFieldOfReportJsonAndRoundTrips()
    {
        var report = Repetition(3, Flow("ldaps", "dmz", Verdict.Allowed)) with
        {
            Flaky = new FlakinessReport(20, 60, [new FlakyFlow("01-documented", "ldaps", "dmz", "ldap", 636, Verdict.Allowed, [new VerdictCount(Verdict.Allowed, 19), new VerdictCount(Verdict.Dropped, 1)])]),
        };
        var json = JsonSerializer.Serialize(report, MatrixReport.Json);
        using var document = JsonDocument.Parse(json);
        Assert.That(document.RootElement.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "ruleSets", "timings", "allMatched", "flaky" }),
            "existing fields keep their order; flaky comes last");
        Assert.That(json, Does.Contain("\"verdict\": \"dropped\"").And.Contain("\"repeats\": 20"));
        var read = ReadBack(json);
        Assert.That(read.Flaky!.Flows[0].Counts, Is.EqualTo(report.Flaky.Flows[0].Counts));
        Assert.That(read.Flaky.Repeats, Is.EqualTo(20));
    }

    [Test]
    public void AReportWrittenBeforeTheFlakySectionStillReads()
    {
        const string older = """
            {"ruleSets": [{"name": "01-documented", "sha256": "aa", "flows": []}], "timings": {"topologyUpMs": 1, "matrixMs": 2}, "allMatched": true}
            """;
        var read = ReadBack(older);
        Assert.That((read.Flaky, read.Timings.MatrixMs), Is.EqualTo(((FlakinessReport?)null, 2L)));
    }

    private static MatrixReport ReadBack(string json)
    {
        var path = Path.Combine(Path.GetTempPath(), $"ctt-report-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        try
        {
            return MatrixReport.Read(path);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
