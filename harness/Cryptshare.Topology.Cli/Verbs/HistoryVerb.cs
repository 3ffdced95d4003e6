using System.CommandLine;
using System.Text.Json;
using Cryptshare.Topology.Cli.History;
using Cryptshare.Topology.History;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.Reports;
using Spectre.Console;

namespace Cryptshare.Topology.Cli.Verbs;

/// <summary>
/// `history`: per rule set and flow, the points where the observed verdict changed from one run to
/// the next, with the run and the rule set's hash on each side, so "was it the rule set or something
/// else?" is answered at a glance. The runs of one group (the shards of one nightly, <c>CTT_RUN_GROUP</c>)
/// count as one run and are named by their group. A table, or JSON with --json.
/// </summary>
internal static class HistoryVerb
{
    public static Command Create()
    {
        var history = HistoryConnection.CreateOption("The run history:");
        history.Required = true;
        var ruleSet = new Option<string?>("--rule-set") { Description = "Only this rule set (its name, e.g. 01-documented).", HelpName = "NAME" };
        var flow = new Option<string?>("--flow") { Description = "Only this flow id (e.g. ldaps).", HelpName = "ID" };
        var json = new Option<bool>("--json") { Description = "Write JSON instead of a table." };
        var command = new Command("history", "List, per rule set and flow, every run where the observed verdict changed, with the run and the rule set's hash on each side.")
        {
            history, ruleSet, flow, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            var connectionString = parse.GetValue(history)!;
            IReadOnlyList<StoredRun> runs;
            IReadOnlyList<VerdictChange> changes;
            await using (var store = await HistoryConnection.OpenAsync(connectionString, ct))
            {
                try
                {
                    runs = await store.RunsAsync(ct);
                    changes = await store.ChangesAsync(parse.GetValue(ruleSet), parse.GetValue(flow), ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    throw HistoryConnection.Failure(store, e, connectionString);
                }
            }

            // The runs of one group (the shards of one nightly) count as one run.
            var logicalRuns = runs.Select(RunGroups.KeyOf).Distinct().Count();
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new { runs = logicalRuns, changes }, MatrixReport.Json));
                return ExitCodes.Matched;
            }

            Write(ConsoleOutput.Create(), logicalRuns, changes);
            return ExitCodes.Matched;
        });
        return command;
    }

    private static void Write(IAnsiConsole console, int runs, IReadOnlyList<VerdictChange> changes)
    {
        if (changes.Count == 0)
        {
            console.MarkupLine($"no verdict changed in {runs} runs");
            return;
        }

        var table = new Table { Border = TableBorder.Rounded, Title = new TableTitle($"[bold]verdict changes in {runs} runs[/]") };
        table.AddColumns("rule set", "flow", "from", "before", "after", "rule set hash");
        foreach (var change in changes)
        {
            table.AddRow(
                Markup.Escape(change.RuleSet),
                Markup.Escape(change.FlowId),
                Markup.Escape(change.From),
                Side(change.Before),
                Side(change.After),
                change.RuleSetChanged
                    ? $"changed {Short(change.Before.RuleSetSha256)} → {Short(change.After.RuleSetSha256)}"
                    : $"[yellow]same {Short(change.After.RuleSetSha256)}[/]");
        }

        table.Caption = new TableTitle("[grey]a change with the same rule set hash came from elsewhere: a host, the harness, or a flaky probe[/]");
        console.Write(table);
    }

    private static string Side(ChangeSide side) =>
        $"{Markup.Escape(RunName(side.RunId, side.RunGroup))} ({side.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm}Z) {side.Observed.ToWord()}";

    /// <summary>A run as people read it: "run 41", or "group nightly-77 (run 41)" for a shard of a group.</summary>
    public static string RunName(long id, string? group) => group is null ? $"run {id}" : $"group {group} (run {id})";

    public static string Short(string sha256) => sha256[..Math.Min(12, sha256.Length)];
}
