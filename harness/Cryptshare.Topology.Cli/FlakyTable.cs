using Cryptshare.Topology.Model;
using Cryptshare.Topology.Reports;
using Spectre.Console;

namespace Cryptshare.Topology.Cli;

/// <summary>After <c>run --repeat N</c>: every flow whose verdict varied, with how often each verdict came.</summary>
internal static class FlakyTable
{
    public static void Write(IAnsiConsole console, FlakinessReport? flaky)
    {
        if (flaky is null)
        {
            return;
        }

        if (flaky.Repeats < 2)
        {
            console.MarkupLine("[yellow]flakiness not known: only one repetition ran to its end[/]");
            return;
        }

        if (!flaky.AnyFlaky)
        {
            console.MarkupLine($"[green]no flaky flow: every verdict was the same in all {flaky.Repeats} repetitions[/] ({flaky.MatrixMs} ms)");
            return;
        }

        var table = new Table { Border = TableBorder.Rounded, Title = new TableTitle($"[bold red]flaky flows in {flaky.Repeats} repetitions[/]") };
        table.AddColumns("rule set", "flow", "from", "to", "port", "expected", "observed (times)");
        foreach (var flow in flaky.Flows)
        {
            table.AddRow(
                Markup.Escape(flow.RuleSet),
                Markup.Escape(flow.Id),
                Markup.Escape(flow.From),
                Markup.Escape(flow.To),
                flow.Port.ToString(),
                flow.Expected?.ToWord() ?? "[grey]–[/]",
                string.Join(", ", flow.Counts.Select(c => $"{c.Verdict.ToWord()} {c.Count}")));
        }

        table.Caption = new TableTitle($"[red]{flaky.Flows.Count} flows varied[/] ({flaky.MatrixMs} ms for all repetitions)");
        console.Write(table);
    }
}
