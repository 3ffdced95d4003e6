using System.Diagnostics;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Tests.Unit.Model;

namespace Cryptshare.Topology.Tests.Integration.Cli;

/// <summary>
/// Every case of BadInputs/rule-files.yml run as the tool's process: the exit code and message the
/// table requires, no stack trace, none of the strings the case forbids (a foreign file's content,
/// a control character), nothing left on the engine and nothing in the case's TMPDIR.
/// </summary>
[TestFixture]
[Category("Cli")]
public sealed class RuleFileInputTests
{
    public static IEnumerable<TestCaseData> Cases =>
        BadInputCase.Read("rule-files.yml").Select(c => new TestCaseData(c).SetName($"rule-files.yml: {c.Name}"));

    [TestCaseSource(nameof(Cases))]
    public async Task TheToolAnswersAsTheTableSays(BadInputCase badInput)
    {
        var folder = Directory.CreateTempSubdirectory("ctt-rule-file-");
        try
        {
            var args = badInput.Prepare(folder.FullName);
            var tmp = Path.Combine(folder.FullName, "tmp");
            Directory.CreateDirectory(tmp);
            var env = badInput.Env.ToDictionary(e => e.Key, e => badInput.Substitute(e.Value, folder.FullName));
            env.TryAdd("TMPDIR", tmp);
            var run = ToolProcess.NewRunId();

            var (exit, output) = await RunAsync(run, args, env);

            Assert.That(exit, Is.EqualTo(badInput.Exit), output);
            Assert.That(output, Does.Contain(badInput.Says));
            Assert.That(output.Split('\n').Where(l => l.StartsWith("   at ", StringComparison.Ordinal)), Is.Empty, "no stack trace");
            foreach (var never in badInput.Never)
            {
                Assert.That(output, Does.Not.Contain(never), $"'{never}' appears in:\n{output}");
            }

            Assert.That((await HarnessJanitor.FindAsync(run)).IsEmpty, Is.True, "nothing of the run is left on the engine");
            Assert.That(Directory.Exists(env["TMPDIR"]) ? Directory.EnumerateFileSystemEntries(env["TMPDIR"]) : [], Is.Empty, "nothing left in TMPDIR");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static async Task<(int Exit, string Output)> RunAsync(string run, IReadOnlyList<string> args, IReadOnlyDictionary<string, string> env)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(ToolProcess.ToolDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["CTT_RUN_ID"] = run;
        start.Environment["TESTCONTAINERS_RYUK_DISABLED"] = "true";
        foreach (var (name, value) in env)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
