using System.Text.RegularExpressions;
using System.Xml.Linq;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.Reports;

namespace Cryptshare.Topology.Tests.Integration.Cli;

/// <summary>
/// `--format json|tap|junit` as a script reads it: standard output holds the document alone (it
/// parses as a whole), everything people read (the diagnosis, the paths) is on standard error.
/// (The TAP grammar line by line and the flaky cases are checked on sample reports in the unit tests.)
/// </summary>
[TestFixture]
[Category("Cli")]
public sealed class FormatTests
{
    private static string RuleSet(string name) => Path.Combine(RepositoryLayout.Fixtures, "rulesets", name);

    /// <summary>
    /// analyze of a library rule set copied alone (without its expectation file, as a customer's
    /// comes): the deployment profile judges it, so its blocked flows fail as test cases.
    /// </summary>
    private static async Task<(ToolProcess.Result Result, string Folder)> AnalyzeAsync(string format, string ruleSet)
    {
        var folder = Directory.CreateTempSubdirectory("ctt-format-").FullName;
        var rules = Path.Combine(folder, ruleSet);
        File.Copy(RuleSet(ruleSet), rules);
        var result = await ToolProcess.RunAsync(ToolProcess.NewRunId(), "analyze", "--rules", rules, "--out", Path.Combine(folder, "out"), "--format", format);
        return (result, folder);
    }

    [Test]
    public async Task JsonOnStandardOutputIsReportJsonAndReadsBack()
    {
        var (result, folder) = await AnalyzeAsync("json", "04-ldaps-on-686.nft");
        try
        {
            Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
            var written = Path.Combine(folder, "out", ReportFolder.JsonFileName);
            Assert.That(result.Stdout.TrimEnd(), Is.EqualTo((await File.ReadAllTextAsync(written)).TrimEnd()), "the same document as report.json");
            var copy = Path.Combine(folder, "stdout.json");
            await File.WriteAllTextAsync(copy, result.Stdout);
            var read = StaticMatrixReport.Read(copy);
            Assert.That(read.RuleSets.Single().Flows.Single(f => f.Id == "ldaps").Predicted?.ToWord(), Is.EqualTo("dropped"));
            Assert.That(result.Stderr, Does.Contain("blocked: ldaps from dmz (port 636, dropped)"), "the diagnosis goes to standard error");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public async Task TapOnStandardOutputHasATestPointPerFlowAndFailsTheBlockedOnes()
    {
        var (result, folder) = await AnalyzeAsync("tap", "08-missing-established.nft");
        try
        {
            Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
            var lines = result.Stdout.TrimEnd('\n').Split('\n');
            Assert.That(lines[0], Is.EqualTo("TAP version 13"));
            var plan = Regex.Match(lines[1], @"^1\.\.(\d+)$");
            Assert.That(plan.Success, Is.True, lines[1]);
            var points = lines.Where(l => Regex.IsMatch(l, @"^(not )?ok \d+ - ")).ToList();
            Assert.That(points, Has.Count.EqualTo(int.Parse(plan.Groups[1].Value)));
            Assert.That(points.Where(l => l.StartsWith("not ok", StringComparison.Ordinal)), Has.Some.Match(@" - 08-missing-established/ldaps/dmz: dropped$"));
            Assert.That(lines.Where(l => !l.StartsWith("  ", StringComparison.Ordinal) && !l.StartsWith('#')).Except(points).Skip(2), Is.Empty, "nothing but TAP on standard output");
            Assert.That(result.Stderr, Does.Contain(" flows, one cause)"), "08's blocked flows share one cause: one grouped diagnosis on standard error");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public async Task JunitOnStandardOutputIsAJunitDocument()
    {
        var (result, folder) = await AnalyzeAsync("junit", "04-ldaps-on-686.nft");
        try
        {
            Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
            var junit = XDocument.Parse(result.Stdout);
            var ldaps = junit.Descendants("testcase").Single(c => (string?)c.Attribute("name") == "04-ldaps-on-686/ldaps/dmz");
            Assert.That((string?)ldaps.Element("failure")?.Attribute("type"), Is.EqualTo("blocked"), "the profile requires ldaps: without an expectation file the diagnosis fails it");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public async Task AnUnknownFormatIsAUsageError()
    {
        var result = await ToolProcess.RunAsync(ToolProcess.NewRunId(), "analyze", "--rules", RuleSet("01-documented.nft"), "--format", "yaml");
        Assert.That((result.ExitCode, result.Stderr.Trim()), Is.EqualTo((2, "--format yaml: give table, json, tap or junit")));
    }
}
