using Cryptshare.Topology.Model;
using Cryptshare.Topology.Reports;
using Spectre.Console;

namespace Cryptshare.Topology.Cli;

/// <summary>
/// The static matrix as people read it: per rule set a row per flow with the prediction and the rule
/// that decides; in a console narrower than <see cref="MatrixTable.WideWidth"/>, the compact table.
/// </summary>
internal static class StaticMatrixTable
{
    public static void Write(IAnsiConsole console, StaticMatrixReport report)
    {
        foreach (var ruleSet in report.RuleSets)
        {
            if (console.Profile.Width < MatrixTable.WideWidth)
            {
                var rows = ruleSet.Flows.Select(f => new MatrixTable.CompactRow(f.Id, f.From, f.Port, f.Expected, f.Predicted, Predicted(f), f.Matches, f.DecidingRule)).ToList();
                console.Write(MatrixTable.Compact($"{ruleSet.Name} (static)", rows, Caption(ruleSet), console.Profile.Width));
                continue;
            }

            var table = new Table { Border = TableBorder.Rounded, Title = new TableTitle($"[bold]{Markup.Escape(ruleSet.Name)}[/] (static)") };
            table.AddColumns("flow", "from", "to", "port", "expected", "predicted", "deciding rule", "how");
            foreach (var flow in ruleSet.Flows)
            {
                table.AddRow(
                    Markup.Escape(flow.Id),
                    Markup.Escape(flow.From),
                    Markup.Escape(flow.To),
                    flow.Port.ToString(),
                    flow.Expected?.ToWord() ?? "[grey]–[/]",
                    Predicted(flow),
                    Markup.Escape(MatrixTable.RuleName(flow.DecidingRule)),
                    Markup.Escape(MatrixTable.Shorten(flow.Detail, 60)));
            }

            table.Caption = new TableTitle(Caption(ruleSet));
            console.Write(table);
        }
    }

    private static string Caption(StaticRuleSetReport ruleSet)
    {
        var unknown = ruleSet.Flows.Count(f => f.Predicted is null);
        var mismatches = ruleSet.Flows.Count(f => !f.Matches);
        var problems = ruleSet.Diagnosis?.Count ?? 0;
        return (mismatches == 0 ? $"[green]{ruleSet.Flows.Count} flows, every prediction as expected[/]" : $"[red]{mismatches} of {ruleSet.Flows.Count} predictions differ from the expectation[/]")
            + (problems == 0 ? "" : $" [red]({problems} blocked or exposed: see the diagnosis)[/]")
            + (unknown == 0 ? "" : $" [yellow]({unknown} not predictable: see how)[/]");
    }

    private static string Predicted(StaticFlowReport flow)
    {
        if (flow.Predicted is not { } verdict)
        {
            return "[yellow]unknown[/]";
        }

        var colour = verdict == Verdict.Allowed ? "green" : verdict == Verdict.Broken ? "yellow" : "blue";
        return flow.Matches ? $"[{colour}]{verdict.ToWord()}[/]" : $"[bold red]{verdict.ToWord()} ✗[/]";
    }
}
