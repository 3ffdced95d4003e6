using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Cryptshare.Topology.Cli;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.Reports;
using Spectre.Console;

namespace Cryptshare.Topology.Tests.Unit.Reports;

/// <summary>
/// What `run` and `analyze` print for programs (`--format json|tap|junit`) and for people in 80
/// columns, and how flaky flows and shared causes reach junit.xml and the console.
/// </summary>
[TestFixture]
public sealed partial class OutputFormatTests
{
    /// <summary>A documented run with a broken and a dropped flow, 08's shared cause, and ldaps flaky over five repetitions.</summary>
    private static MatrixReport Sample()
    {
        var ruleSets = new[] { SampleMatrix.RuleSet("01-documented"), SampleMatrix.RuleSet("08-missing-established") };
        var documented = SampleMatrix.Report(ruleSets[0], c => c.Key switch { "ui-https/internet" => Verdict.Broken, "ldaps/dmz" => Verdict.Dropped, _ => null });
        var missing = SampleMatrix.Report(ruleSets[1]);
        var report = Diagnostician.Attach(SampleMatrix.Matrix(documented, missing), SampleMatrix.Catalog, SampleMatrix.Topology, ruleSets, SampleMatrix.Parsed(ruleSets));
        var ldaps = documented.Flows.Single(f => f.Id == "ldaps");
        var flaky = new FlakyFlow("01-documented", ldaps.Id, ldaps.From, ldaps.To, ldaps.Port, ldaps.Expected, [new VerdictCount(Verdict.Dropped, 3), new VerdictCount(Verdict.Allowed, 2)]);
        return report with { Flaky = new FlakinessReport(5, 9000, [flaky]) };
    }

    [GeneratedRegex(@"^(?<ok>ok|not ok) (?<number>\d+)(?: - (?<description>[^#\n]*(?:\\#[^#\n]*)*))?(?: # (?<directive>.*))?$")]
    private static partial Regex TestPoint();

    [GeneratedRegex(@"^  [a-z]+: (""(?:[^""\\]|\\.)*""|\d+)$")]
    private static partial Regex YamlField();

    /// <summary>
    /// TAP 13, line by line: the version, the plan, test points numbered 1..N in order, YAML blocks
    /// (indented, between --- and ...) only right after a test point, comments; nothing else.
    /// </summary>
    [Test]
    public void TapFollowsTheGrammarWithATestPointPerFlow()
    {
        var report = Sample();
        var tap = TapReport.Build(report);
        var lines = tap.Split('\n');
        Assert.That(lines[0], Is.EqualTo("TAP version 13"));
        var total = report.RuleSets.Sum(r => r.Flows.Count);
        Assert.That(lines[1], Is.EqualTo($"1..{total}"));
        Assert.That(lines[^1], Is.Empty, "the document ends in a newline");

        var points = new List<Match>();
        var inBlock = false;
        var previousWasPoint = false;
        foreach (var line in lines.Skip(2).SkipLast(1))
        {
            if (inBlock)
            {
                if (line == "  ...")
                {
                    inBlock = false;
                }
                else
                {
                    Assert.That(line, Does.Match(YamlField()), "a YAML block holds key: value lines");
                }

                previousWasPoint = false;
                continue;
            }

            if (line == "  ---")
            {
                Assert.That(previousWasPoint, Is.True, "a YAML block follows its test point");
                inBlock = true;
                continue;
            }

            previousWasPoint = false;
            if (line.StartsWith('#'))
            {
                continue;
            }

            var point = TestPoint().Match(line);
            Assert.That(point.Success, Is.True, $"not a TAP line: {line}");
            points.Add(point);
            previousWasPoint = true;
        }

        Assert.That(inBlock, Is.False, "every YAML block is closed");
        Assert.That(points.Select(p => int.Parse(p.Groups["number"].Value)), Is.EqualTo(Enumerable.Range(1, total)), "numbered 1..N in order");
        var failed = points.Where(p => p.Groups["ok"].Value == "not ok").Select(p => p.Groups["description"].Value).ToList();
        Assert.That(failed, Has.Some.StartsWith("01-documented/ui-https/internet: broken"));
        Assert.That(failed, Has.Some.StartsWith("01-documented/ldaps/dmz: dropped (flaky: dropped 3, allowed 2 in 5 repetitions)"));
        Assert.That(failed, Has.Count.EqualTo(FlowCheck.Of(report).Count(c => !c.Passed)), "not ok exactly where junit.xml fails a case");
        Assert.That(tap, Does.Contain("  fix: \"").And.Contain("  flaky: \"dropped 3, allowed 2 in 5 repetitions\""));
    }

    [Test]
    public void TapEscapesWhatWouldBreakALine()
    {
        Assert.That(TapReport.Quoted("a \"b\"\n#c\\"), Is.EqualTo("\"a \\\"b\\\"\\n#c\\\\\""));
    }

    [Test]
    public void JsonIsReportJsonAndRoundTripsThroughTheReportReader()
    {
        var report = Sample();
        var json = OutputFormats.Document(OutputFormat.Json, report)!;
        var folder = Directory.CreateTempSubdirectory("ctt-format-");
        try
        {
            report.WriteTo(folder.FullName);
            var written = Path.Combine(folder.FullName, ReportFolder.JsonFileName);
            Assert.That(json, Is.EqualTo(File.ReadAllText(written)), "the same text as report.json");

            File.WriteAllText(written, json);
            var read = MatrixReport.Read(written);
            Assert.That(JsonSerializer.Serialize(read, MatrixReport.Json), Is.EqualTo(json), "read back, it serializes to the same document");
            Assert.That(read.Flaky!.Flows.Single().Counts.Select(c => (c.Verdict, c.Count)), Is.EqualTo(new[] { (Verdict.Dropped, 3), (Verdict.Allowed, 2) }));
            Assert.That(read.RuleSets.Sum(r => r.Diagnosis!.Count), Is.EqualTo(report.RuleSets.Sum(r => r.Diagnosis!.Count)).And.GreaterThan(0));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Test]
    public void JunitMarksTheFlakyFlowWithAFlakyFailurePerOtherVerdictAndItsCounts()
    {
        var junit = XDocument.Parse(OutputFormats.Document(OutputFormat.Junit, Sample())!);
        var ldaps = junit.Descendants("testcase").Single(c => (string?)c.Attribute("name") == "01-documented/ldaps/dmz");
        var flaky = ldaps.Elements("flakyFailure").ToList();
        Assert.That(flaky, Has.Count.EqualTo(1), "one element per verdict other than the case's own (dropped)");
        Assert.That((string?)flaky[0].Attribute("message"), Does.StartWith("allowed in 2 of 5 repetitions"));
        var properties = ldaps.Element("properties")!.Elements("property").ToDictionary(p => (string)p.Attribute("name")!, p => (string)p.Attribute("value")!);
        Assert.That(properties, Does.ContainKey("flaky").WithValue("true").And.ContainKey("verdict.dropped").WithValue("3").And.ContainKey("verdict.allowed").WithValue("2"));
        Assert.That(junit.Descendants("flakyFailure").Count(), Is.EqualTo(1), "only the flaky flow");
        Assert.That(junit.Descendants("testsuite").First().Element("properties")!.Elements("property").Any(p => (string?)p.Attribute("name") == "repeats" && (string?)p.Attribute("value") == "5"));
    }

    [Test]
    public void HtmlListsTheFlakyFlowWithItsCountsAndBadgesItsRow()
    {
        var html = HtmlReport.Render(Sample(), SampleMatrix.Topology);
        Assert.That(html, Does.Contain("<section id=\"flaky\" data-repeats=\"5\" data-flaky=\"1\">"));
        Assert.That(html, Does.Contain("data-verdict=\"dropped\" data-times=\"3\"").And.Contain("data-verdict=\"allowed\" data-times=\"2\""));
        Assert.That(Regex.Matches(html, "data-flaky=\"true\"").Count, Is.EqualTo(1), "one flow row carries the flaky badge");
    }

    /// <summary>08 drops every reply: nineteen required flows blocked by the same policy, with the same fix, are one group.</summary>
    [Test]
    public void DiagnosisLinesThatShareACauseAreOneGroupWithTheFlowsListed()
    {
        var missing = Sample().RuleSets.Single(r => r.Name == "08-missing-established");
        var groups = DiagnosisGroup.Of(missing.Diagnosis!);
        Assert.That(missing.Diagnosis!, Has.Count.GreaterThan(5), "one line per blocked flow in report.json");
        Assert.That(groups, Has.Count.LessThan(missing.Diagnosis!.Count));
        var biggest = groups.MaxBy(g => g.Lines.Count)!;
        var text = biggest.ToString();
        Assert.That(text.Split(Environment.NewLine), Has.Length.EqualTo(3), "the flows, the rule, the fix");
        Assert.That(text.Split(Environment.NewLine)[0], Does.StartWith("blocked: ").And.EndWith($" ({biggest.Lines.Count} flows, one cause)"));
        Assert.That(text, Does.Contain("ui-https from internet, intranet (port 443, dropped)"), "a flow seen alike from two zones is named once");
        Assert.That(Regex.Matches(text, Regex.Escape(biggest.Fix)).Count, Is.EqualTo(1), "the fix is said once");
        Assert.That(groups.Sum(g => g.Lines.Count), Is.EqualTo(missing.Diagnosis!.Count), "no line is lost");
    }

    [Test]
    public void TheTableFitsEightyColumnsAndKeepsFlowVerdictAndRule()
    {
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(text), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No });
        console.Profile.Width = 80;
        var report = Sample();

        MatrixTable.Write(console, report);

        var lines = text.ToString().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.That(lines.Max(l => l.Length), Is.LessThanOrEqualTo(80), text.ToString());
        var ldaps = lines.SingleOrDefault(l => Regex.IsMatch(l, @"^\s*ldaps\s+dmz\s+636\s+dropped ≠ allowed\s"));
        Assert.That(ldaps, Does.Contain("forward policy drop"), "the flow, its zone and port, the verdict against the expected one, and the deciding rule on one line");
        var total = report.RuleSets.Sum(r => r.Flows.Count);
        Assert.That(lines.Count(l => Regex.IsMatch(l, @"^\s*[a-z][a-z0-9-]+\s+(internet|intranet|dmz|admin)\s+\d+\s+\S")), Is.EqualTo(total), "a row per flow");
        Assert.That(lines.Count(l => l.Trim().Length > 0), Is.LessThanOrEqualTo(total + (4 * report.RuleSets.Count) + 1),
            "no row wraps onto a second line: besides the rows only title, header, rule and caption of each table and the timings");
        Assert.That(lines.Count(l => Regex.IsMatch(l, @"^\s*ui-http\s")), Is.EqualTo(4), "one row a flow (ui-http from two zones, in two rule sets), none folded into a tower");
    }
}
