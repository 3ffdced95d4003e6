using System.Diagnostics;

namespace Cryptshare.Topology.Tests.Integration.Cli;

/// <summary>The command-line tool as a child process, as a user runs it, with its own run id.</summary>
internal sealed class ToolProcess
{
    public static string ToolDll => Path.Combine(AppContext.BaseDirectory, "cryptshare-topology.dll");

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
    }

    public static string NewRunId() => $"test-{Guid.NewGuid():N}"[..20];

    public static Process Start(string runId, params string[] args) => Start(runId, new Dictionary<string, string>(), null, args);

    /// <summary>With extra environment variables (they win over the run id's) and a working folder of its own.</summary>
    public static Process Start(string runId, IReadOnlyDictionary<string, string> environment, string? workingDirectory, IReadOnlyList<string> args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["CTT_RUN_ID"] = runId, ["TESTCONTAINERS_RYUK_DISABLED"] = "true" },
            WorkingDirectory = workingDirectory ?? string.Empty,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add(ToolDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }

    public static Task<Result> RunAsync(string runId, params string[] args) => RunAsync(runId, TimeSpan.FromMinutes(5), args);

    /// <summary>With a longer limit than the default five minutes, for the nightly's repeated library.</summary>
    public static Task<Result> RunAsync(string runId, TimeSpan limit, params string[] args) =>
        RunAsync(runId, limit, new Dictionary<string, string>(), null, args);

    public static async Task<Result> RunAsync(string runId, TimeSpan limit, IReadOnlyDictionary<string, string> environment, string? workingDirectory, IReadOnlyList<string> args)
    {
        using var process = Start(runId, environment, workingDirectory, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // Past the limit: the tool must not outlive the test (its topology goes with the run's label sweep).
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
