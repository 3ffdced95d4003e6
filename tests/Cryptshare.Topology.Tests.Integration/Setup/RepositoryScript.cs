using System.Diagnostics;
using Cryptshare.Topology.Fixtures.Engine;

namespace Cryptshare.Topology.Tests.Integration.Setup;

/// <summary>One of the repository's shell scripts (the wrapper, .ci/, eng/) run as a process, as a user or CI runs it.</summary>
internal static class RepositoryScript
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
    }

    /// <summary>Runs <paramref name="script"/> (relative to the repository root) with bash, in <paramref name="workingDirectory"/>.</summary>
    public static async Task<Result> RunAsync(string script, string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["CTT_RUN_ID"] = $"test-{Guid.NewGuid():N}"[..20] },
        };
        start.ArgumentList.Add(Path.Combine(RepositoryLayout.Root, script));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // The wrapper builds the tool on its first call in a clone: minutes, not seconds, on a busy machine.
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
