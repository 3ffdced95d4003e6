using System.CommandLine;
using System.Runtime.ExceptionServices;
using Cryptshare.Topology.Cli.History;
using Cryptshare.Topology.Runs;
using Cryptshare.Topology.Runs.Live;
using Spectre.Console;

namespace Cryptshare.Topology.Cli.Verbs;

/// <summary>
/// `run`: the live matrix (<see cref="RunPipeline"/>): brings the topology up, probes every flow for
/// each rule set, prints the matrix, writes report.json, tears down (unless --keep). Exit 0 when
/// everything is as expected, 1 when a verdict, a required flow, an exposure or (with --repeat) a
/// flaky flow says otherwise, 4 when a host or the engine failed (the reports hold what was
/// measured, marked incomplete), 130/143 on SIGINT/SIGTERM (<see cref="ExitCodes"/>).
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
        var parallel = NumberOptions.Count(
            "--parallel",
            $"Spread the rule sets over N topologies at once (1–{RunOptions.MaxParallel}), each on networks of its own; one report in the rule sets' order.",
            1,
            1,
            RunOptions.MaxParallel,
            $"give a number of topologies from 1 to {RunOptions.MaxParallel}");
        var shard = new Option<RuleSetShard?>("--shard")
        {
            Description = "Run only shard I of N of the rule sets (by name, stable as the library grows): N CI jobs with 1/N … N/N cover every rule set once. Their history reads as one run when they share CTT_RUN_GROUP.",
            HelpName = "I/N",
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
                var parsed = RuleSetShard.Parse(text, out var error);
                if (parsed is null)
                {
                    result.AddError($"--shard {error}");
                }

                return parsed;
            },
        };
        var format = OutputFormats.Create();
        var command = new Command("run", "Start the topology, probe every documented flow through the firewall for each rule set, and report.")
        {
            topology, site, rules, output, keep, history, repeat, parallel, shard, format,
        };
        command.SetAction(async (parse, ct) =>
        {
            var given = MatrixInputs.Load(TopologyOrSite.Topology(parse, topology, site), [.. (parse.GetValue(rules) ?? []).Select(f => f.FullName)], parse.GetValue(site)?.FullName);
            var folder = OutputPaths.Folder(parse.GetValue(output)!.FullName);
            var inputs = RunPipeline.TakeShare(given, parse.GetValue(shard));
            var outputFormat = parse.GetValue(format);
            var console = OutputFormats.HumanConsole(outputFormat);
            if (parse.GetValue(shard) is { } share)
            {
                console.WriteLine(inputs.RuleSets.Count == 0
                    ? $"shard {share}: none of the {given.RuleSets.Count} rule sets; nothing to run"
                    : $"shard {share}: {inputs.RuleSets.Count} of {given.RuleSets.Count} rule sets: {string.Join(", ", inputs.RuleSets.Select(r => r.Name))}");
            }

            inputs = await RunPipeline.PrepareAsync(inputs, ConsoleOutput.Warn, ct);
            EngineLog.Current.OpenFile(folder); // the inputs are good: from here on the run leaves its log beside the reports

            // The history is opened (and its schema migrated) before the topology starts: an unusable
            // database is found in a second, not after the whole matrix.
            await using var runHistory = await RunHistory.OpenAsync(parse.GetValue(history), ct);
            var startedAt = DateTimeOffset.UtcNow;
            var result = await ProgressDisplay.RunAsync(
                console,
                progress => RunPipeline.RunAsync(inputs, new RunOptions(folder, parse.GetValue(repeat), parse.GetValue(keep), parse.GetValue(parallel)), progress, ct),
                toStandardError: outputFormat != OutputFormat.Table);

            if (OutputFormats.Document(outputFormat, result.Report) is { } document)
            {
                OutputFormats.Print(document);
            }
            else
            {
                MatrixTable.Write(console, result.Report);
            }

            FindingsText.Write(console, result.Findings, result.Coverage);
            FlakyTable.Write(console, result.Report.Flaky);
            JudgementText.Write(console, result.Judgement, result.Report.RuleSets.Select(r => r.Diagnosis));
            IncompleteText.Write(console, result.Report.Incomplete, result.Judgement);
            console.MarkupLine($"reports{(result.Report.Incomplete is null ? string.Empty : " (incomplete)")}: {Markup.Escape(string.Join(", ", result.Written))}");
            console.MarkupLine($"engine log: {Markup.Escape(EngineLog.Current.Path ?? "(none)")}");
            if (runHistory is not null)
            {
                // A stopped run is saved too (marked incomplete); a signal's token is spent, so the save gets its own time.
                using var saving = new CancellationTokenSource(SignalCancellation.CleanupLimit / 2);
                var runId = await runHistory.SaveAsync(inputs.Topology, startedAt, result.Report, ct.IsCancellationRequested ? saving.Token : ct);
                console.MarkupLine($"history: saved as run {runId} in {Markup.Escape(runHistory.Target)}");
            }

            if (result.LeftRunning is { } run)
            {
                console.MarkupLine($"[yellow]left running (run {Markup.Escape(run)}); remove with `cryptshare-topology clean --run {Markup.Escape(run)}`[/]");
            }

            if (result.Stopped is { } stopped)
            {
                // The one error path gives the exit code and the paragraph of what stopped the run.
                ExceptionDispatchInfo.Throw(stopped);
            }

            if (result.Report.Incomplete is { } incomplete)
            {
                await Console.Error.WriteLineAsync($"cryptshare-topology: the run is incomplete: {incomplete.Reason}");
            }

            return ExitCodes.For(result.Judgement.Outcome);
        });
        return command;
    }
}
