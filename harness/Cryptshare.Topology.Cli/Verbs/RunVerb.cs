using System.CommandLine;
using Cryptshare.Topology.Cli.History;
using Cryptshare.Topology.Runs;
using Cryptshare.Topology.Runs.Live;
using Spectre.Console;

namespace Cryptshare.Topology.Cli.Verbs;

/// <summary>
/// `run`: the live matrix (<see cref="RunPipeline"/>): brings the topology up, probes every flow for
/// each rule set, prints the matrix, writes report.json, tears down (unless --keep). Exit 0 when
/// everything is as expected, 1 when a verdict, a required flow, an exposure or (with --repeat) a
/// flaky flow says otherwise (<see cref="ExitCodes"/>).
/// </summary>
internal static class RunVerb
{
    public static Command Create()
    {
        var topology = PathOptions.File("--topology", "Topology file (YAML). Default: fixtures/topologies/default.yml.");
        var site = PathOptions.File("--site", "A customer's site file (YAML) instead of a topology: its hosts at their real addresses, a client at each zone's agent address.");
        var rules = PathOptions.Files("--rules", "Rule set(s) (nftables). Each may have NN-name.expect.yml and NN-name.host.nft beside it. Default: the documented rule set.");
        var output = PathOptions.Folder("--out", "Folder for report.json, junit.xml and report.html.", "out");
        var keep = new Option<bool>("--keep") { Description = "Leave the topology running afterwards (remove it with `cryptshare-topology clean --run ID`)." };
        var history = HistoryConnection.CreateOption("Save the run into this run history:");
        var repeat = NumberOptions.Count(
            "--repeat",
            $"Run the whole matrix N times on the same topology and report every flow whose verdict varied (1–{RunOptions.MaxRepeats}).",
            1,
            1,
            RunOptions.MaxRepeats,
            $"give a number of repetitions from 1 to {RunOptions.MaxRepeats}");
        var format = OutputFormats.Create();
        var command = new Command("run", "Start the topology, probe every documented flow through the firewall for each rule set, and report.")
        {
            topology, site, rules, output, keep, history, repeat, format,
        };
        command.SetAction(async (parse, ct) =>
        {
            var inputs = MatrixInputs.Load(TopologyOrSite.Topology(parse, topology, site), [.. (parse.GetValue(rules) ?? []).Select(f => f.FullName)], parse.GetValue(site)?.FullName);
            var folder = OutputPaths.Folder(parse.GetValue(output)!.FullName);
            inputs = await RunPipeline.PrepareAsync(inputs, ConsoleOutput.Warn, ct);
            EngineLog.Current.OpenFile(folder); // the inputs are good: from here on the run leaves its log beside the reports

            // The history is opened (and its schema migrated) before the topology starts: an unusable
            // database is found in a second, not after the whole matrix.
            await using var runHistory = await RunHistory.OpenAsync(parse.GetValue(history), ct);
            var startedAt = DateTimeOffset.UtcNow;
            var outputFormat = parse.GetValue(format);
            var console = OutputFormats.HumanConsole(outputFormat);
            var result = await ProgressDisplay.RunAsync(
                console,
                progress => RunPipeline.RunAsync(inputs, new RunOptions(folder, parse.GetValue(repeat), parse.GetValue(keep)), progress, ct),
                toStandardError: outputFormat != OutputFormat.Table);

            if (OutputFormats.Document(outputFormat, result.Report) is { } document)
            {
                OutputFormats.Print(document);
            }
            else
            {
                MatrixTable.Write(console, result.Report);
            }

            FindingsText.Write(console, result.Findings);
            FlakyTable.Write(console, result.Report.Flaky);
            JudgementText.Write(console, result.Judgement, result.Report.RuleSets.Select(r => r.Diagnosis));
            console.MarkupLine($"reports: {Markup.Escape(string.Join(", ", result.Written))}");
            console.MarkupLine($"engine log: {Markup.Escape(EngineLog.Current.Path ?? "(none)")}");
            if (runHistory is not null)
            {
                var runId = await runHistory.SaveAsync(inputs.Topology, startedAt, result.Report, ct);
                console.MarkupLine($"history: saved as run {runId} in {Markup.Escape(runHistory.Target)}");
            }

            if (result.LeftRunning is { } run)
            {
                console.MarkupLine($"[yellow]left running (run {Markup.Escape(run)}); remove with `cryptshare-topology clean --run {Markup.Escape(run)}`[/]");
            }

            return ExitCodes.For(result.Judgement.Outcome);
        });
        return command;
    }
}
