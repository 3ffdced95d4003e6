using System.CommandLine;
using Cryptshare.Topology.Cli.Verbs;
using Cryptshare.Topology.Fixtures.Topology;
using Cryptshare.Topology.History;
using Cryptshare.Topology.Input;
using Cryptshare.Topology.Runs;

namespace Cryptshare.Topology.Cli;

/// <summary>
/// The command line: parse, run the verb, and the one error path. A usage error (unknown verb or
/// option, missing or bad value, a bad environment) exits 2 with one paragraph; every failure a verb
/// throws becomes its exit code and one paragraph (<see cref="ExitCodes.For(Exception)"/>); no stack
/// trace and no secret (<see cref="SecretTokens"/>) ever reaches the user. SIGINT and SIGTERM
/// cancel the verb, which tidies up and reports what it did, and the tool exits 130 or 143
/// (<see cref="SignalCancellation"/>).
/// </summary>
internal static class Tool
{
    /// <summary>Every verb: the engine's log lines (Testcontainers') live on standard error, not only in run.log.</summary>
    public static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "Show the engine's log (image builds, container starts) live on standard error; it always goes to run.log beside the reports.",
        Recursive = true,
    };

    public static RootCommand Create() => new(
        "cryptshare-topology rebuilds the network around a Cryptshare Server in Docker containers and proves, flow by flow, " +
        "that each documented network flow passes or is blocked exactly as a firewall rule set dictates.")
    {
        RunVerb.Create(),
        AnalyzeVerb.Create(),
        UpVerb.Create(),
        DownVerb.Create(),
        StatusVerb.Create(),
        CleanVerb.Create(),
        BenchVerb.Create(),
        GraphVerb.Create(),
        HistoryVerb.Create(),
        DiffVerb.Create(),
        ImagesVerb.Create(),
        ComposeVerb.Create(),
        AgentVerb.Create(),
        CompareVerb.Create(),
        Verbose,
    };

    /// <summary>Runs the tool on <paramref name="args"/>; output and error default to the console.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter? output = null, TextWriter? error = null, CancellationToken ct = default)
    {
        error ??= Console.Error;
        // No response files: "@path" would make the parser read any file and echo its words back.
        var parse = Create().Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parse.Errors.Count > 0 && parse.Action is not { ClearsParseErrors: true })
        {
            await error.WriteLineAsync(UsageErrors.Describe(parse, args));
            return ExitCodes.BadInput;
        }

        var secrets = SecretTokens.Of(args, parse.UnmatchedTokens.ToHashSet(StringComparer.Ordinal));
        using var log = EngineLog.Install(parse.GetValue(Verbose) ? error : null);
        using var signals = new SignalCancellation(ct, error);
        try
        {
            CheckEnvironment();
            var code = await parse.InvokeAsync(
                new InvocationConfiguration
                {
                    Output = output ?? Console.Out,
                    Error = error,
                    EnableDefaultExceptionHandler = false,
                    // Signals are ours (SignalCancellation): System.CommandLine's handling would give SIGTERM 130 too.
                    ProcessTerminationTimeout = null,
                },
                signals.Token);
            // A signal that came as the verb finished still says how the tool ended.
            return Interruptions.Current?.ExitCode ?? code;
        }
        catch (Exception failure)
        {
            var (code, paragraph) = ExitCodes.For(failure);
            await error.WriteLineAsync(SecretTokens.Scrub(paragraph, secrets));
            if (code != ExitCodes.BadInput && EngineLog.Current.Path is { } logPath)
            {
                await error.WriteLineAsync($"The engine's log of this run: {logPath}");
            }

            return code;
        }
    }

    /// <summary>
    /// The environment the tool relies on: a TMPDIR that is set must be a folder (temporary files
    /// go there; a missing one would fail deep inside a run), a CTT_ENGINE_POOL that is set a
    /// private IPv4 range for the engine-side networks, and a CTT_RUN_GROUP a name the history takes.
    /// </summary>
    private static void CheckEnvironment()
    {
        if (Environment.GetEnvironmentVariable("TMPDIR") is { Length: > 0 } tmp && !Directory.Exists(tmp))
        {
            throw new InputException("TMPDIR", 0, $"'{tmp}' is not a folder; point TMPDIR at a folder you can write to, or unset it");
        }

        _ = EngineSubnetPool.FromEnvironment();
        _ = RunGroups.FromEnvironment();
    }
}
