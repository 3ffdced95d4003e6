using System.CommandLine;
using Cryptshare.Topology.Runs;
using Cryptshare.Topology.Runs.Agent;
using Spectre.Console;

namespace Cryptshare.Topology.Cli.Verbs;

/// <summary>
/// `agent publish --out DIR`: the portable probe agent for a customer's machines
/// (<see cref="AgentPublisher"/>): one self-contained file per runtime (linux-x64, win-x64) and the
/// README for the customer's administrator. It takes the engine of no one: dotnet publish only.
/// </summary>
internal static class AgentVerb
{
    public static Command Create()
    {
        var output = PathOptions.Folder("--out", "Folder for the builds (DIR/linux-x64/ctt-live-probe, DIR/win-x64/ctt-live-probe.exe) and README.md.", "agent");
        var runtimes = new Option<string[]>("--runtime")
        {
            Description = $"Runtime(s) to build for: {string.Join(", ", AgentPublisher.Runtimes)} (default: both).",
            HelpName = "RID",
            AllowMultipleArgumentsPerToken = true,
        };
        runtimes.AcceptOnlyFromAmong([.. AgentPublisher.Runtimes]);
        var publish = new Command("publish", "Build the portable probe agent (ctt-live-probe) as self-contained single files for the customer's Linux and Windows machines, with a README for their administrator.")
        {
            output, runtimes,
        };
        publish.SetAction(async (parse, ct) =>
        {
            var folder = OutputPaths.Folder(parse.GetValue(output)!.FullName);
            var wanted = parse.GetValue(runtimes) is { Length: > 0 } given ? given.Distinct().ToList() : AgentPublisher.Runtimes;
            var console = ConsoleOutput.Create();
            var publication = await AgentPublisher.PublishAsync(folder, wanted, ConsoleOutput.Progress(console), ct);
            foreach (var build in publication.Builds)
            {
                console.MarkupLine($"{Markup.Escape(build.Runtime)}: {Markup.Escape(build.File)} ({build.Bytes / (1024.0 * 1024.0):0.0} MiB{(build.FromCache ? ", unchanged sources: kept" : string.Empty)})");
            }

            console.MarkupLine($"README for the administrator: {Markup.Escape(publication.Readme)}");
            console.MarkupLine($"done in {publication.Took.TotalSeconds:0.0} s");
            return ExitCodes.Matched;
        });
        return new Command("agent", "The portable probe agent for a customer's own machines (see `agent publish`).") { publish };
    }
}
