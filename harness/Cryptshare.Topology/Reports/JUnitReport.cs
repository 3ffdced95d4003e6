using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Cryptshare.Topology.Model;

namespace Cryptshare.Topology.Reports;

/// <summary>
/// junit.xml: one test suite per rule set, one test case per flow named
/// <c>ruleset/flow-id/from-zone</c>, so that CI systems (Jenkins, GitLab, GitHub, Azure DevOps)
/// show the matrix natively. When a case fails is <see cref="FlowCheck"/>'s to say. A flow whose
/// host failed is an error (the harness could not test it), never a failure; an incomplete run adds
/// a suite <c>run</c> whose one case, <c>complete</c>, is an error giving the reason, so CI shows why
/// the matrix is short. A flow whose verdict varied between repetitions (<c>run --repeat N</c>) is
/// marked as JUnit consumers mark a flaky test (Maven Surefire's schema): a <c>&lt;flakyFailure&gt;</c>
/// element for each verdict other than the case's own, with its count, and the counts as properties
/// (<c>flaky</c>, <c>verdict.allowed</c>, …), so the case is listed as flaky rather than hidden.
/// </summary>
public static class JUnitReport
{
    public const string FileName = "junit.xml";

    /// <summary>The name of the suite an incomplete run adds.</summary>
    public const string IncompleteSuite = "run";

    public static XDocument Build(MatrixReport report) =>
        Build(FlowCheck.Of(report), report.RuleSets.ToDictionary(r => r.Name, r => r.Sha256), report.Timings.TopologyUpMs + report.Timings.MatrixMs, report.Flaky?.Repeats, report.Incomplete);

    /// <summary>analyze's prediction as junit.xml: a case per flow, failed where the prediction is not as expected or missing.</summary>
    public static XDocument Build(StaticMatrixReport report) =>
        Build(FlowCheck.Of(report), report.RuleSets.ToDictionary(r => r.Name, r => r.Sha256), report.Timings.ParseMs + report.Timings.PredictMs, null, report.Incomplete);

    public static void Write(MatrixReport report, string path)
    {
        var settings = new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false) };
        using var writer = XmlWriter.Create(path, settings);
        Build(report).Save(writer);
    }

    /// <summary>The document as text (UTF-8 declaration, indented), for standard output.</summary>
    public static string Text(XDocument document)
    {
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false) }))
        {
            document.Save(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static XDocument Build(IReadOnlyList<FlowCheck> checks, IReadOnlyDictionary<string, string> shas, long totalMs, int? repeats, IncompleteRun? incomplete)
    {
        var suites = shas.Select(s => Suite(s.Key, s.Value, checks.Where(c => c.RuleSet == s.Key).ToList(), repeats)).ToList();
        if (incomplete is not null)
        {
            suites.Add(Incomplete(incomplete));
        }

        return new XDocument(
            new XDeclaration("1.0", "utf-8", null),
            new XElement("testsuites",
                new XAttribute("name", "cryptshare-topology"),
                new XAttribute("tests", suites.Sum(s => (int)s.Attribute("tests")!)),
                new XAttribute("failures", suites.Sum(s => (int)s.Attribute("failures")!)),
                new XAttribute("errors", suites.Sum(s => (int)s.Attribute("errors")!)),
                new XAttribute("time", Seconds(totalMs)),
                suites));
    }

    private static XElement Suite(string name, string sha256, IReadOnlyList<FlowCheck> checks, int? repeats)
    {
        var properties = new XElement("properties", Property("sha256", sha256));
        if (repeats is { } n)
        {
            properties.Add(Property("repeats", n.ToString(CultureInfo.InvariantCulture)));
        }

        var cases = checks.Select(Case).ToList();
        return new XElement("testsuite",
            new XAttribute("name", name),
            new XAttribute("tests", cases.Count),
            new XAttribute("failures", cases.Count(c => c.Element("failure") is not null)),
            new XAttribute("errors", cases.Count(c => c.Element("error") is not null)),
            new XAttribute("skipped", 0),
            new XAttribute("time", Seconds(checks.Sum(c => c.ElapsedMs))),
            properties,
            cases);
    }

    private static XElement Case(FlowCheck check)
    {
        var testCase = new XElement("testcase",
            new XAttribute("classname", check.RuleSet),
            new XAttribute("name", XmlText.Clean(check.Name)),
            new XAttribute("time", Seconds(check.ElapsedMs)));
        var facts = XmlText.Clean(check.Facts());
        if (check.Flaky is { } flaky)
        {
            testCase.Add(new XElement("properties",
                new[] { Property("flaky", "true") }.Concat(flaky.Counts.Select(c => Property($"verdict.{c.Verdict.ToWord()}", c.Count.ToString(CultureInfo.InvariantCulture))))));
        }

        if (check.NotTested)
        {
            testCase.Add(new XElement("error",
                new XAttribute("type", check.Verdict!.Value.ToWord()),
                new XAttribute("message", XmlText.Clean(check.Detail)),
                facts));
        }
        else if (!check.Passed)
        {
            testCase.Add(new XElement("failure",
                new XAttribute("type", check.FailureType!),
                new XAttribute("message", XmlText.Clean(check.FailureMessage!)),
                facts));
        }

        if (check.Flaky is { } varied)
        {
            foreach (var other in varied.Counts.Where(c => c.Verdict != check.Verdict))
            {
                testCase.Add(new XElement("flakyFailure",
                    new XAttribute("type", "flaky"),
                    new XAttribute("message", $"{other.Verdict.ToWord()} in {other.Count} of {varied.Counts.Sum(c => c.Count)} repetitions ({FlowCheck.FlakyCounts(varied)})")));
            }
        }

        testCase.Add(new XElement("system-out", facts));
        return testCase;
    }

    private static XElement Property(string name, string value) => new("property", new XAttribute("name", name), new XAttribute("value", value));

    private static XElement Incomplete(IncompleteRun incomplete)
    {
        var text = new StringBuilder().AppendLine(incomplete.Reason);
        foreach (var line in incomplete.Account())
        {
            text.AppendLine(line);
        }

        return new XElement("testsuite",
            new XAttribute("name", IncompleteSuite),
            new XAttribute("tests", 1),
            new XAttribute("failures", 0),
            new XAttribute("errors", 1),
            new XAttribute("skipped", 0),
            new XAttribute("time", Seconds(0)),
            new XElement("testcase",
                new XAttribute("classname", IncompleteSuite),
                new XAttribute("name", "complete"),
                new XAttribute("time", Seconds(0)),
                new XElement("error",
                    new XAttribute("type", incomplete.Cause),
                    new XAttribute("message", XmlText.Clean(incomplete.Reason)),
                    XmlText.Clean(text.ToString()))));
    }

    private static string Seconds(long milliseconds) => (milliseconds / 1000.0).ToString("0.000", CultureInfo.InvariantCulture);
}
