using Cryptshare.Topology.Model;
using Cryptshare.Topology.Reports;
using Spectre.Console;

namespace Cryptshare.Topology.Cli;

/// <summary>
/// The matrix as people read it: one table per rule set, a row per probed flow. A console narrower
/// than <see cref="WideWidth"/> (a terminal of 80 columns) gets the compact table: flow, from, port,
/// the verdict (with the expectation where it differs) and the deciding rule; the full detail is in
/// report.json and report.html.
/// </summary>
internal static class MatrixTable
{
    /// <summary>The width the full table needs to stay one line a flow.</summary>
    public const int WideWidth = 160;

    public static void Write(IAnsiConsole console, MatrixReport report)
    {
        foreach (var ruleSet in report.RuleSets)
        {
            if (console.Profile.Width < WideWidth)
            {
                console.Write(Compact(ruleSet.Name, ruleSet.Flows.Select(f => new CompactRow(f.Id, f.From, f.Port, f.Expected, Colour(f.Observed, f.Matches), f.Matches, f.DecidingRule)).ToList(), Caption(ruleSet)));
                continue;
            }

            var table = new Table { Border = TableBorder.Rounded, Title = new TableTitle($"[bold]{Markup.Escape(ruleSet.Name)}[/]") };
            table.AddColumns("flow", "from", "to", "port", "expected", "observed", "predicted", "deciding rule", "ms", "detail");
            foreach (var flow in ruleSet.Flows)
            {
                var observed = Colour(flow.Observed, flow.Matches);
                table.AddRow(
                    Markup.Escape(flow.Id),
                    Markup.Escape(flow.From),
                    Markup.Escape(flow.To),
                    flow.Port.ToString(),
                    flow.Expected?.ToWord() ?? "[grey]–[/]",
                    observed,
                    flow.Predicted is { } predicted ? (predicted == flow.Observed ? predicted.ToWord() : $"[bold yellow]{predicted.ToWord()}[/]") : "[grey]–[/]",
                    Markup.Escape(RuleName(flow.DecidingRule)),
                    flow.ElapsedMs.ToString(),
                    Markup.Escape(Shorten(flow.Detail, 48)));
            }

            table.Caption = new TableTitle(Caption(ruleSet));
            console.Write(table);
        }

        console.MarkupLine($"topology up {report.Timings.TopologyUpMs} ms, matrix {report.Timings.MatrixMs} ms");
    }

    /// <summary>A row of the compact table: the verdict already as markup (coloured, marked where it differs).</summary>
    public sealed record CompactRow(string Id, string From, int Port, Verdict? Expected, string VerdictMarkup, bool Matches, ReportedRule? Rule);

    /// <summary>The table for 80 columns: no borders between columns, the rule column wraps.</summary>
    public static Table Compact(string title, IReadOnlyList<CompactRow> rows, string caption)
    {
        var table = new Table { Border = TableBorder.Simple, Title = new TableTitle($"[bold]{Markup.Escape(title)}[/]"), Caption = new TableTitle(caption) };
        table.AddColumn(new TableColumn("flow") { NoWrap = true, Padding = new Padding(0, 0, 1, 0) });
        table.AddColumn(new TableColumn("from") { NoWrap = true, Padding = new Padding(0, 0, 1, 0) });
        table.AddColumn(new TableColumn("port") { NoWrap = true, Padding = new Padding(0, 0, 1, 0) });
        table.AddColumn(new TableColumn("verdict") { NoWrap = true, Padding = new Padding(0, 0, 1, 0) });
        table.AddColumn(new TableColumn("deciding rule") { Padding = new Padding(0, 0, 0, 0) });
        foreach (var row in rows)
        {
            var verdict = row.Matches || row.Expected is not { } expected ? row.VerdictMarkup : $"{row.VerdictMarkup} [grey](exp. {expected.ToWord()})[/]";
            table.AddRow(Markup.Escape(row.Id), Markup.Escape(row.From), row.Port.ToString(), verdict, Markup.Escape(RuleName(row.Rule, 60)));
        }

        return table;
    }

    private static string Caption(RuleSetReport ruleSet)
    {
        var mismatches = ruleSet.Flows.Count(f => !f.Matches);
        return mismatches == 0
            ? $"[green]{ruleSet.Flows.Count} flows, all as expected[/]"
            : $"[red]{mismatches} of {ruleSet.Flows.Count} flows differ from the expectation[/]";
    }

    private static string Colour(Verdict verdict, bool matches)
    {
        var word = verdict.ToWord();
        var colour = verdict == Verdict.Allowed ? "green" : verdict is Verdict.Broken or Verdict.Unroutable ? "yellow" : "blue";
        return matches ? $"[{colour}]{word}[/]" : $"[bold red]{word} ✗[/]";
    }

    /// <summary>The rule as people know it: its comment, else its text; a policy as "policy drop".</summary>
    public static string RuleName(ReportedRule? reported, int length = 40)
    {
        if (reported?.Rule is not { } rule)
        {
            return "–";
        }

        var name = rule.Handle is null ? $"{rule.Chain} {rule.Text}" : $"#{rule.Handle} {rule.Comment ?? rule.Text}";
        return Shorten(name, length);
    }

    public static string Shorten(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";
}
