using System.Text.Json;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.Reports;

namespace Cryptshare.Topology.Tests.Unit.Reports;

/// <summary>The diagnosis in report.json: an optional field after the existing ones, in lower-case words.</summary>
[TestFixture]
public sealed class DiagnosisJsonTests
{
    [Test]
    public void DiagnosisIsWrittenAfterTheFlowsAndReadsBack()
    {
        var ruleSet = SampleMatrix.RuleSet("04-ldaps-on-686");
        var report = Diagnostician.Attach(SampleMatrix.Report(ruleSet), SampleMatrix.Context(ruleSet));
        var json = JsonSerializer.Serialize(report, MatrixReport.Json);

        using var document = JsonDocument.Parse(json);
        Assert.That(document.RootElement.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "name", "sha256", "flows", "diagnosis" }));
        var line = document.RootElement.GetProperty("diagnosis")[0];
        Assert.That(line.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "flowId", "from", "port", "observed", "severity", "message", "rule", "fix" }));
        Assert.That((line.GetProperty("severity").GetString(), line.GetProperty("observed").GetString()), Is.EqualTo(("blocked", "dropped")));

        var back = JsonSerializer.Deserialize<RuleSetReport>(json, MatrixReport.Json)!;
        Assert.That(back.Diagnosis, Is.EqualTo(report.Diagnosis));
    }

    [Test]
    public void AReportWrittenBeforeTheDiagnosisStillReads()
    {
        const string older = """{"name": "01-documented", "sha256": "ab", "flows": []}""";
        Assert.That(JsonSerializer.Deserialize<RuleSetReport>(older, MatrixReport.Json)!.Diagnosis, Is.Null);
    }

    [Test]
    public void SeverityWordsAreLowerCase() =>
        Assert.That(Enum.GetValues<DiagnosisSeverity>().Select(s => JsonSerializer.Serialize(s, MatrixReport.Json)),
            Is.EqualTo(new[] { "\"blocked\"", "\"exposed\"", "\"inconclusive\"" }));

    [Test]
    public void ALineReadsAsOneSentenceOnAConsole()
    {
        var line = new DiagnosisLine("ldaps", "dmz", 636, Verdict.Dropped, DiagnosisSeverity.Blocked, "LDAP synchronisation over LDAPS fails.", "policy drop", "open 636");
        Assert.That(line.ToString(), Is.EqualTo("blocked: ldaps from dmz (port 636, dropped): LDAP synchronisation over LDAPS fails. Rule: policy drop. Fix: open 636"));
    }
}
