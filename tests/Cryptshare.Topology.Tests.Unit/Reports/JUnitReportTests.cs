using System.Net;
using System.Xml.Linq;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.Reports;

namespace Cryptshare.Topology.Tests.Unit.Reports;

/// <summary>junit.xml as CI systems read it: suites per rule set, cases per flow, failures where verdicts differ.</summary>
[TestFixture]
public sealed class JUnitReportTests
{
    private static MatrixReport TwoRuleSets()
    {
        var documented = SampleMatrix.Report(SampleMatrix.RuleSet("01-documented"),
            c => c.Key switch { "ui-https/internet" => Verdict.Broken, "ldaps/dmz" => Verdict.Dropped, _ => null });
        var ldaps = SampleMatrix.Report(SampleMatrix.RuleSet("04-ldaps-on-686"));
        return SampleMatrix.Matrix(documented, ldaps);
    }

    private static XDocument WrittenAndParsed(MatrixReport report)
    {
        var path = Path.Combine(Path.GetTempPath(), $"ctt-junit-{Guid.NewGuid():N}.xml");
        try
        {
            JUnitReport.Write(report, path);
            return XDocument.Load(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void OneSuitePerRuleSetAndOneCasePerFlowWithTheRightCounts()
    {
        var xml = WrittenAndParsed(TwoRuleSets());
        var root = xml.Root!;
        Assert.That(root.Name.LocalName, Is.EqualTo("testsuites"));
        Assert.That(((int)root.Attribute("tests")!, (int)root.Attribute("failures")!, (int)root.Attribute("errors")!), Is.EqualTo((52, 2, 0)));

        var suites = root.Elements("testsuite").ToList();
        Assert.That(suites.Select(s => (string)s.Attribute("name")!), Is.EqualTo(new[] { "01-documented", "04-ldaps-on-686" }));
        Assert.That(suites.Select(s => ((int)s.Attribute("tests")!, (int)s.Attribute("failures")!)), Is.EqualTo(new[] { (26, 2), (26, 0) }));
        foreach (var suite in suites)
        {
            Assert.That(suite.Elements("testcase").Count(), Is.EqualTo((int)suite.Attribute("tests")!));
            Assert.That(suite.Elements("testcase").Count(c => c.Element("failure") is not null), Is.EqualTo((int)suite.Attribute("failures")!));
            Assert.That(suite.Elements("testcase").All(c => c.Element("system-out") is not null), Is.True);
        }
    }

    [Test]
    public void ACaseIsNamedRuleSetFlowZoneAndItsFailureSaysBothVerdictsAndTheRule()
    {
        var cases = WrittenAndParsed(TwoRuleSets()).Descendants("testcase").ToList();
        Assert.That(cases.Select(c => (string)c.Attribute("name")!), Does.Contain("01-documented/ldaps/dmz").And.Contain("04-ldaps-on-686/ui-http/internet"));
        Assert.That(cases.Select(c => (string)c.Attribute("name")!), Is.Unique);

        var failure = cases.Single(c => (string)c.Attribute("name")! == "01-documented/ldaps/dmz").Element("failure")!;
        Assert.That((string)failure.Attribute("message")!, Is.EqualTo("expected allowed, observed dropped; deciding rule: inet perimeter forward policy drop"));
        Assert.That(failure.Value, Does.Contain("flow ldaps from dmz to ldap:636").And.Contain("detail: no answer within 2000 ms"));
    }

    [Test]
    public void ACustomerRuleSetWithoutExpectationsFailsWhereTheDiagnosisSpeaks()
    {
        var ruleSet = SampleMatrix.RuleSet("04-ldaps-on-686") with { Expectations = null, Via = new Dictionary<string, IPAddress>() };
        var report = SampleMatrix.Report(ruleSet, c => c.Flow.Id == "ldaps" ? Verdict.Dropped : c.Exposure ? Verdict.Dropped : Verdict.Allowed);
        report = Diagnostician.Attach(report, SampleMatrix.Context(ruleSet));
        var failures = WrittenAndParsed(SampleMatrix.Matrix(report)).Descendants("failure").ToList();
        Assert.That(failures, Has.Count.EqualTo(1));
        Assert.That((string)failures[0].Attribute("type")!, Is.EqualTo("blocked"));
        Assert.That(failures[0].Value, Does.Contain("fix: 04-ldaps-on-686.nft:11"));
    }

    [Test]
    public void CharactersXmlForbidsInAProbesDetailDoNotSpoilTheFile()
    {
        var report = SampleMatrix.Report(SampleMatrix.RuleSet("01-documented"));
        report = report with { Flows = report.Flows.Select((f, i) => i == 0 ? f with { Detail = "banner \u0001\u001b[0m" } : f).ToList() };
        var xml = WrittenAndParsed(SampleMatrix.Matrix(report));
        Assert.That(xml.Descendants("system-out").First().Value, Does.Contain("banner \uFFFD\uFFFD[0m"));
    }

    [Test]
    public void TimesAreSecondsWithAPoint()
    {
        var xml = JUnitReport.Build(TwoRuleSets());
        Assert.That((string)xml.Root!.Attribute("time")!, Is.EqualTo("6.000"));
        Assert.That(xml.Descendants("testcase").Select(c => (string)c.Attribute("time")!), Has.All.Match(@"^\d+\.\d{3}$"));
    }
}
