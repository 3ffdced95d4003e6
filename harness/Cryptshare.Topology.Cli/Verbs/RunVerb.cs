using System.CommandLine;
using Cryptshare.Topology.Cli.History;
using Cryptshare.Topology.Cli.Matrix;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Fixtures.Firewall;
using Cryptshare.Topology.Fixtures.Topology;
using Cryptshare.Topology.Input;
using Cryptshare.Topology.Reports;
using Cryptshare.Topology.RuleSets;
using Spectre.Console;

namespace Cryptshare.Topology.Cli.Verbs;

/// <summary>
/// `run`: brings the topology up, probes every flow for each rule set, prints the matrix, writes
/// report.json, tears down (unless --keep). Exit 0 when every verdict matches its expectation,
/// 1 when any does not (or, with --repeat, any flow is flaky), 2 on bad input.
/// </summary>
internal static class RunVerb
{
    public static Command Create()
    {
        var topology = new Option<FileInfo?>("--topology") { Description = "Topology file (YAML). Default: fixtures/topologies/default.yml." };
        var rules = new Option<FileInfo[]>("--rules") { Description = "Rule set(s) (nftables). Each may have NN-name.expect.yml and NN-name.host.nft beside it. Default: the documented rule set.", AllowMultipleArgumentsPerToken = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for report.json, junit.xml and report.html.", DefaultValueFactory = _ => new DirectoryInfo("out") };
        var keep = new Option<bool>("--keep") { Description = "Leave the topology running afterwards (remove it with `cryptshare-topology clean`)." };
        var history = HistoryConnection.CreateOption("Save the run into this run history:");
        var repeat = new Option<int>("--repeat") { Description = $"Run the whole matrix N times on the same topology and report every flow whose verdict varied (1–{RepeatedMatrix.MaxRepeats}).", DefaultValueFactory = _ => 1, HelpName = "N" };
        var command = new Command("run", "Start the topology, probe every documented flow through the firewall for each rule set, and report.")
        {
            topology, rules, output, keep, history, repeat,
        };
        command.SetAction(async (parse, ct) =>
        {
            var repeats = parse.GetValue(repeat);
            if (repeats is < 1 or > RepeatedMatrix.MaxRepeats)
            {
                await Console.Error.WriteLineAsync($"--repeat {repeats}: give a number of repetitions from 1 to {RepeatedMatrix.MaxRepeats}");
                return ExitCodes.BadInput;
            }

            MatrixInputs inputs;
            try
            {
                inputs = MatrixInputs.Load(parse.GetValue(topology), parse.GetValue(rules) ?? []);
            }
            catch (InputException e)
            {
                await Console.Error.WriteLineAsync(e.Message);
                return ExitCodes.BadInput;
            }

            if (!DockerEngine.IsAvailable)
            {
                await Console.Error.WriteLineAsync(DockerEngine.HowToGetOne);
                return ExitCodes.NoEngine;
            }

            try
            {
                inputs = await inputs.PreflightAsync(line => Console.Error.WriteLine(line), ct);
            }
            catch (InputException e)
            {
                await Console.Error.WriteLineAsync(e.Message);
                return ExitCodes.BadInput;
            }

            // The history is opened (and its schema migrated) before the topology starts: an unusable
            // database is found in a second, not after the whole matrix.
            RunHistory? runHistory;
            try
            {
                runHistory = await RunHistory.OpenAsync(parse.GetValue(history), ct);
            }
            catch (HistoryFailure e)
            {
                await Console.Error.WriteLineAsync($"cryptshare-topology: the history cannot be used: {e.Message}");
                return e.ExitCode;
            }

            await using var _ = runHistory;
            var startedAt = DateTimeOffset.UtcNow;
            var console = ConsoleOutput.Create();
            var progress = new Progress<string>(line => console.MarkupLine($"[grey]{Markup.Escape(line)}[/]"));
            LiveTopology? live = null;
            try
            {
                live = await LiveTopology.StartAsync(inputs.Topology, inputs.Catalog, progress, ct);
                console.MarkupLine($"[grey]topology {Markup.Escape(inputs.Topology.Name)} up in {live.UpTime.TotalSeconds:0.0} s[/]");
                var (report, findings) = await RepeatedMatrix.RunAsync(live, inputs, repeats, progress, ct);
                report = Diagnostician.Attach(report, inputs.Catalog, inputs.Topology, inputs.RuleSets, await ParsedAsync(inputs, ct));
                var folder = parse.GetValue(output)!.FullName;
                var written = ReportFolder.Write(folder, report, inputs.Topology);
                MatrixTable.Write(console, report);
                FindingsText.Write(console, findings);
                FlakyTable.Write(console, report.Flaky);
                foreach (var line in report.RuleSets.SelectMany(r => r.Diagnosis ?? []))
                {
                    console.WriteLine(line.ToString());
                }

                console.MarkupLine($"reports: {Markup.Escape(string.Join(", ", written))}");
                if (runHistory is not null)
                {
                    var runId = await runHistory.SaveAsync(inputs.Topology, startedAt, report, ct);
                    console.MarkupLine($"history: saved as run {runId} in {Markup.Escape(runHistory.Target)}");
                }

                // 1 when a verdict differs from its expectation, a required flow is blocked, a
                // must-be-closed flow is open, or a flow's verdict varied between repetitions:
                // what a support engineer must act on.
                return report.AllMatched && !Diagnostician.AnyProblem(report) && report.Flaky?.AnyFlaky != true ? ExitCodes.Matched : ExitCodes.Mismatch;
            }
            catch (HistoryFailure e)
            {
                await Console.Error.WriteLineAsync($"cryptshare-topology: the run was not saved in the history: {e.Message}");
                return e.ExitCode;
            }
            catch (RuleSetRejectedException e)
            {
                await Console.Error.WriteLineAsync(e.Message);
                return ExitCodes.BadInput;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                await Console.Error.WriteLineAsync($"cryptshare-topology: the harness failed: {e.Message}");
                return ExitCodes.HarnessFailure;
            }
            finally
            {
                if (live is not null && !parse.GetValue(keep))
                {
                    await live.DisposeAsync();
                    await HarnessJanitor.RemoveAsync(HarnessLabels.CurrentRun, CancellationToken.None);
                }
                else if (live is not null)
                {
                    console.MarkupLine($"[yellow]left running (run {HarnessLabels.CurrentRun}); remove with `cryptshare-topology clean`[/]");
                }
            }
        });
        return command;
    }

    /// <summary>nft's JSON of every rule set, as analyze parses it: the fix advisor reads the compiled rule set.</summary>
    private static async Task<IReadOnlyDictionary<string, RuleSetJson>> ParsedAsync(MatrixInputs inputs, CancellationToken ct)
    {
        await using var parser = NftRuleSetParser.Best();
        var parsed = await Task.WhenAll(inputs.RuleSets.Select(r => parser.ParseAsync(r, inputs.Topology, ct)));
        return inputs.RuleSets.Zip(parsed).ToDictionary(p => p.First.Name, p => new RuleSetJson(p.Second.FirewallJson, p.Second.HostFirewallJson));
    }
}
