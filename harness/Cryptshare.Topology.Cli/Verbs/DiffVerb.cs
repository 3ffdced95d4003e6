using System.CommandLine;
using System.Text.Json;
using Cryptshare.Topology.Cli.History;
using Cryptshare.Topology.History;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.Reports;
using Spectre.Console;

namespace Cryptshare.Topology.Cli.Verbs;

/// <summary>
/// `diff RUN_A RUN_B`: the flows whose observed verdicts differ between two stored runs (also those
/// only one of them probed), as a table or JSON. A run of a group (the shards of one nightly,
/// <c>CTT_RUN_GROUP</c>) stands for its whole group. Exit codes as diff(1): 0 when none differ, 1 when
/// some do; 2 for a run the history does not have.
/// </summary>
internal static class DiffVerb
{
    public static Command Create()
    {
        var runA = NumberOptions.RunId("RUN_A", "The earlier run's id (as `run --history` printed it, or from `history`).");
        var runB = NumberOptions.RunId("RUN_B", "The later run's id.");
        var history = HistoryConnection.CreateOption("The run history:");
        history.Required = true;
        var json = new Option<bool>("--json") { Description = "Write JSON instead of a table." };
        var command = new Command("diff", "List the flows whose observed verdicts differ between two runs of the history. Exit 0 when none differ, 1 when some do.")
        {
            runA, runB, history, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            var connectionString = parse.GetValue(history)!;
            var (a, b) = (parse.GetValue(runA), parse.GetValue(runB));
            IReadOnlyList<FlowDifference> differences;
            IReadOnlyDictionary<long, string?> groups;
            await using (var store = await HistoryConnection.OpenAsync(connectionString, ct))
            {
                try
                {
                    differences = await store.DiffAsync(a, b, ct);
                    groups = (await store.RunsAsync(ct)).Where(r => r.Id == a || r.Id == b).ToDictionary(r => r.Id, r => r.RunGroup);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    throw HistoryConnection.Failure(store, e, connectionString);
                }
            }

            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new { runA = a, runB = b, differences, groupA = groups.GetValueOrDefault(a), groupB = groups.GetValueOrDefault(b) }, MatrixReport.Json));
            }
            else
            {
                var (groupA, groupB) = (groups.GetValueOrDefault(a), groups.GetValueOrDefault(b));
                var both = groupA is null && groupB is null ? $"runs {a} and {b}" : $"{HistoryVerb.RunName(a, groupA)} and {HistoryVerb.RunName(b, groupB)}";
                Write(ConsoleOutput.Create(), both, HistoryVerb.RunName(a, groupA), HistoryVerb.RunName(b, groupB), differences);
            }

            return differences.Count == 0 ? ExitCodes.Matched : ExitCodes.Mismatch;
        });
        return command;
    }

    private static void Write(IAnsiConsole console, string both, string a, string b, IReadOnlyList<FlowDifference> differences)
    {
        var (nameA, nameB) = (Markup.Escape(a), Markup.Escape(b));
        if (differences.Count == 0)
        {
            console.MarkupLine($"{Markup.Escape(both)}: every flow has the same verdict");
            return;
        }

        var table = new Table { Border = TableBorder.Rounded, Title = new TableTitle($"[bold]{Markup.Escape(both)}: {differences.Count} flows differ[/]") };
        table.AddColumns("rule set", "flow", "from", "to", "port", nameA, nameB, "rule set hash");
        foreach (var difference in differences)
        {
            table.AddRow(
                Markup.Escape(difference.RuleSet),
                Markup.Escape(difference.FlowId),
                Markup.Escape(difference.From),
                Markup.Escape(difference.To),
                difference.Port.ToString(),
                difference.ObservedA?.ToWord() ?? "[grey]not probed[/]",
                difference.ObservedB?.ToWord() ?? "[grey]not probed[/]",
                Hashes(difference.RuleSetSha256A, difference.RuleSetSha256B));
        }

        console.Write(table);
    }

    private static string Hashes(string? a, string? b) => (a, b) switch
    {
        (null, { } only) => HistoryVerb.Short(only),
        ({ } only, null) => HistoryVerb.Short(only),
        ({ } x, { } y) when x == y => $"[yellow]same {HistoryVerb.Short(x)}[/]",
        ({ } x, { } y) => $"changed {HistoryVerb.Short(x)} → {HistoryVerb.Short(y)}",
        _ => "–",
    };
}
