using System.CommandLine;
using Cryptshare.Topology.Cli.Verbs;
using Cryptshare.Topology.Input;

namespace Cryptshare.Topology.Cli;

/// <summary>
/// The command line: parse, run the verb, and the one error path. A usage error (unknown verb or
/// option, missing or bad value, a bad environment) exits 2 with one paragraph; every failure a verb
/// throws becomes its exit code and one paragraph (<see cref="ExitCodes.For(Exception)"/>); no stack
/// trace and no secret (<see cref="SecretTokens"/>) ever reaches the user.
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
        try
        {
            CheckEnvironment();
            return await parse.InvokeAsync(
                new InvocationConfiguration
                {
                    Output = output ?? Console.Out,
                    Error = error,
                    EnableDefaultExceptionHandler = false,
                    // Ctrl+C cancels the verb; it then removes what it started, which takes longer than the 2 s default.
                    ProcessTerminationTimeout = TimeSpan.FromSeconds(30),
                },
                ct);
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
    /// go there; a missing one would fail deep inside a run).
    /// </summary>
    private static void CheckEnvironment()
    {
        if (Environment.GetEnvironmentVariable("TMPDIR") is { Length: > 0 } tmp && !Directory.Exists(tmp))
        {
            throw new InputException("TMPDIR", 0, $"'{tmp}' is not a folder; point TMPDIR at a folder you can write to, or unset it");
        }
    }
}
