using System.Text.RegularExpressions;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.Reports;

namespace Cryptshare.Topology.Tests.Unit.Reports;

/// <summary>report.html as text: self-contained, with the counts as data- attributes. (The browser test renders it.)</summary>
[TestFixture]
public sealed class HtmlReportTests
{
    private static MatrixReport Sample()
    {
        var ruleSets = new[] { SampleMatrix.RuleSet("01-documented"), SampleMatrix.RuleSet("04-ldaps-on-686"), SampleMatrix.RuleSet("06-admin-exposed-to-internet") };
        var reports = ruleSets.Select(r => SampleMatrix.Report(r, c => r.Name == "01-documented" && c.Key == "ui-https/internet" ? Verdict.Broken : null)).ToArray();
        return Diagnostician.Attach(SampleMatrix.Matrix(reports), SampleMatrix.Catalog, SampleMatrix.Topology, ruleSets, SampleMatrix.Parsed(ruleSets));
    }

    [Test]
    public void NothingIsLoadedFromAnywhere()
    {
        var html = HtmlReport.Render(Sample(), SampleMatrix.Topology);
        Assert.That(html, Does.Not.Contain("<script").IgnoreCase.And.Not.Contain("<link").IgnoreCase.And.Not.Contain("src=").IgnoreCase);
        Assert.That(Regex.Matches(html, "https?://").Select(m => html.Substring(m.Index, 26)).Distinct(), Is.EqualTo(new[] { "http://www.w3.org/2000/svg" }));
        Assert.That(html, Does.Contain("Content-Security-Policy"));
    }

    [Test]
    public void EachRuleSetSectionCarriesItsCounts()
    {
        var report = Sample();
        var html = HtmlReport.Render(report, SampleMatrix.Topology);
        foreach (var ruleSet in report.RuleSets)
        {
            var section = Regex.Match(html, $"<section class=\"ruleset\" id=\"[^\"]+\" data-ruleset=\"{ruleSet.Name}\"([^>]*)>").Groups[1].Value;
            Assert.That(Attribute(section, "flows"), Is.EqualTo(ruleSet.Flows.Count), ruleSet.Name);
            Assert.That(Attribute(section, "mismatched"), Is.EqualTo(ruleSet.Flows.Count(f => f.Expected != f.Observed)), ruleSet.Name);
            Assert.That(Attribute(section, "dropped"), Is.EqualTo(ruleSet.Flows.Count(f => f.Observed == Verdict.Dropped)), ruleSet.Name);
            Assert.That(Attribute(section, "diagnosis"), Is.EqualTo(ruleSet.Diagnosis!.Count), ruleSet.Name);
        }

        Assert.That(Regex.Matches(html, "<li class=\"diagnosis-line").Count, Is.EqualTo(report.RuleSets.Sum(r => r.Diagnosis!.Count)));
        Assert.That(Regex.Matches(html, "<tr class=\"flow").Count, Is.EqualTo(report.RuleSets.Sum(r => r.Flows.Count)));
        Assert.That(Regex.Matches(html, "<svg ").Count, Is.EqualTo(report.RuleSets.Count));
    }

    [Test]
    public void TextFromProbesIsEscaped()
    {
        var report = SampleMatrix.Report(SampleMatrix.RuleSet("01-documented"));
        report = report with { Flows = report.Flows.Select((f, i) => i == 0 ? f with { Detail = "<b>HTTP 400</b> & \"x\"" } : f).ToList() };
        var html = HtmlReport.Render(SampleMatrix.Matrix(report));
        Assert.That(html, Does.Contain("&lt;b&gt;HTTP 400&lt;/b&gt; &amp; &quot;x&quot;").And.Not.Contain("<b>HTTP 400</b>"));
    }

    [Test]
    public void ReportFolderWritesTheThreeFiles()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"ctt-report-{Guid.NewGuid():N}");
        try
        {
            var written = ReportFolder.Write(folder, Sample(), SampleMatrix.Topology);
            Assert.That(written.Select(Path.GetFileName), Is.EqualTo(new[] { "report.json", "junit.xml", "report.html" }));
            Assert.That(MatrixReport.Read(written[0]).RuleSets.Select(r => r.Diagnosis!.Count), Is.EqualTo(new[] { 1, 1, 3 }));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static int Attribute(string attributes, string name) =>
        int.Parse(Regex.Match(attributes, $" data-{name}=\"(\\d+)\"").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
}
