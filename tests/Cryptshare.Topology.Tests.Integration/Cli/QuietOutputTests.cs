using System.Text.RegularExpressions;
using Cryptshare.Topology.Fixtures.Engine;

namespace Cryptshare.Topology.Tests.Integration.Cli;

/// <summary>
/// `run` is quiet by default: standard output holds the phases, the table, the summary and the
/// report paths, while the engine's log (Testcontainers' lines: image checks, tar copies, container
/// starts) goes to run.log beside the reports; `--verbose` shows that log live on standard error,
/// and `--format tap` keeps standard output for the document.
/// </summary>
[TestFixture]
[Category("Cli")]
[NonParallelizable] // starts the default topology on its fixed subnets 10.77.1–4.0/24
public sealed class QuietOutputTests
{
    /// <summary>The documented rule set's 26 flows as a table, seven phases, summary and paths: "about 40 lines".</summary>
    private const int MaxLines = 45;

    [Test]
    public async Task RunPrintsTheTableAndSummaryAndLeavesTheEngineLogInRunLog()
    {
        var run = ToolProcess.NewRunId();
        var output = Directory.CreateTempSubdirectory("ctt-quiet-");
        try
        {
            var result = await ToolProcess.RunAsync(run, "run", "--out", output.FullName);

            Assert.That(result.ExitCode, Is.Zero, result.ToString());
            var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.That(result.Stdout, Does.Not.Contain("[testcontainers.org"), "the engine's log stays out of standard output");
            Assert.That(result.Stderr, Does.Not.Contain("[testcontainers.org"), "and out of standard error, without --verbose");
            Assert.That(lines, Has.Length.LessThanOrEqualTo(MaxLines), result.Stdout);
            Assert.That(result.Stdout, Does.Contain("hosts: 11/11").And.Contain("01-documented: 26/26").And.Contain("26 flows, all as expected"),
                "one line per phase (no terminal here), then the table's summary");

            var log = Path.Combine(output.FullName, "run.log");
            Assert.That(result.Stdout, Does.Contain($"engine log: {log}"));
            var logText = await File.ReadAllTextAsync(log);
            Assert.That(logText, Does.Contain("[testcontainers.org").And.Contain("Connected to Docker"), "Testcontainers' own lines are in run.log");
            Assert.That(Regex.Matches(logText, @"\] Start Docker container [0-9a-f]+").Count, Is.GreaterThanOrEqualTo(12), "the starts of this run's firewall and eleven hosts");
            Assert.That(logText, Does.Contain("[cryptshare-topology").And.Contain("01-documented: 26/26"), "with the phases between the engine's lines");
            Assert.That((await HarnessJanitor.FindAsync(run)).IsEmpty, Is.True);
        }
        finally
        {
            output.Delete(recursive: true);
            await HarnessJanitor.RemoveAsync(run);
        }
    }

    /// <summary>With --verbose and --format tap: the engine's lines and the phases on standard error, standard output TAP alone.</summary>
    [Test]
    public async Task VerboseShowsTheEngineLogLiveOnStandardErrorAndTapKeepsStandardOutput()
    {
        var run = ToolProcess.NewRunId();
        var output = Directory.CreateTempSubdirectory("ctt-verbose-");
        try
        {
            var result = await ToolProcess.RunAsync(run, "run", "--verbose", "--format", "tap", "--out", output.FullName);

            Assert.That(result.ExitCode, Is.Zero, result.ToString());
            Assert.That(result.Stderr, Does.Contain("[testcontainers.org").And.Contain("] Start Docker container "), "the engine's lines, live");
            Assert.That(result.Stderr, Does.Contain("hosts: 11/11").And.Contain("26 flows probed"), "the phases go to standard error beside them");
            var lines = result.Stdout.TrimEnd('\n').Split('\n');
            Assert.That(lines.Take(2), Is.EqualTo(new[] { "TAP version 13", "1..26" }));
            Assert.That(lines.Count(l => l.StartsWith("ok ", StringComparison.Ordinal)), Is.EqualTo(26), "every flow of the documented rule set as expected");
            Assert.That(lines.Skip(2).Where(l => !l.StartsWith("ok ", StringComparison.Ordinal) && !l.StartsWith('#')), Is.Empty, "nothing but TAP on standard output");
            Assert.That(await File.ReadAllTextAsync(Path.Combine(output.FullName, "run.log")), Does.Contain("[testcontainers.org"), "run.log is written with --verbose too");
        }
        finally
        {
            output.Delete(recursive: true);
            await HarnessJanitor.RemoveAsync(run);
        }
    }

    [Test]
    public async Task ABadRuleSetLeavesNoRunLog()
    {
        var run = ToolProcess.NewRunId();
        var folder = Directory.CreateTempSubdirectory("ctt-quiet-bad-");
        try
        {
            var rules = Path.Combine(folder.FullName, "broken.nft");
            await File.WriteAllTextAsync(rules, "table inet perimeter {\n\tchain forward {\n\t\ttcp dport 443 acept\n\t}\n}\n");
            var output = Path.Combine(folder.FullName, "out");

            var result = await ToolProcess.RunAsync(run, "run", "--rules", rules, "--out", output);

            Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
            Assert.That(result.Stdout + result.Stderr, Does.Not.Contain("[testcontainers.org"), "the preflight's engine lines are held, not printed");
            Assert.That(Directory.Exists(output), Is.False, "bad input leaves no folder and no run.log");
        }
        finally
        {
            folder.Delete(recursive: true);
            await HarnessJanitor.RemoveAsync(run);
        }
    }
}
