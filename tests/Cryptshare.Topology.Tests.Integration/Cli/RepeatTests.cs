using System.Text.Json;
using Cryptshare.Topology.Fixtures.Engine;

namespace Cryptshare.Topology.Tests.Integration.Cli;

/// <summary>`run --repeat N`: the matrix N times on one topology, the flaky section in report.json.</summary>
[TestFixture]
[Category("Cli")]
[NonParallelizable] // starts the default topology on its fixed subnets 10.77.1–4.0/24
public sealed class RepeatTests
{
    [Test]
    public async Task TheDocumentedRuleSetThreeTimesHasNoFlakyFlow()
    {
        var run = ToolProcess.NewRunId();
        var output = Directory.CreateTempSubdirectory("ctt-repeat-");
        try
        {
            var result = await ToolProcess.RunAsync(run, "run", "--repeat", "3", "--out", output.FullName);

            Assert.That(result.ExitCode, Is.Zero, result.ToString());
            Assert.That(result.Stdout, Does.Contain("repetition 3 of 3").And.Contain("no flaky flow: every verdict was the same in all 3 repetitions"));
            Assert.That(result.Stdout.Split("firewall: fail-closed").Length - 1, Is.EqualTo(1), "one topology start for all repetitions");
            using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output.FullName, "report.json")));
            var flaky = report.RootElement.GetProperty("flaky");
            Assert.That(flaky.GetProperty("repeats").GetInt32(), Is.EqualTo(3));
            Assert.That(flaky.GetProperty("flows").GetArrayLength(), Is.Zero);
            Assert.That(flaky.GetProperty("matrixMs").GetInt64(), Is.GreaterThan(report.RootElement.GetProperty("timings").GetProperty("matrixMs").GetInt64()),
                "the section times all repetitions, the report's timings the first");
            Assert.That(report.RootElement.EnumerateObject().Last().Name, Is.EqualTo("flaky"), "an optional field after the existing ones");
            Assert.That((await HarnessJanitor.FindAsync(run)).IsEmpty, Is.True, "one topology, torn down");
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    [TestCase("0")]
    [TestCase("1001")]
    public async Task ARepeatOutOfRangeIsBadInputAndStartsNothing(string repeats)
    {
        var run = ToolProcess.NewRunId();
        var result = await ToolProcess.RunAsync(run, "run", "--repeat", repeats);
        Assert.That((result.ExitCode, result.Stderr.Trim()), Is.EqualTo((2, $"--repeat {repeats}: give a number of repetitions from 1 to 1000")));
        Assert.That((await HarnessJanitor.FindAsync(run)).IsEmpty, Is.True);
    }
}
