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
                console.Write(Compact(ruleSet.Name, ruleSet.Flows.Select(f => new CompactRow(f.Id, f.From, f.Port, f.Expected, f.Observed, Colour(f.Observed, f.Matches), f.Matches, f.DecidingRule)).ToList(), Caption(ruleSet), console.Profile.Width));
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

    /// <summary>A row of the compact table: the verdict (null: not predicted) and how it shows where it matches.</summary>
    public sealed record CompactRow(string Id, string From, int Port, Verdict? Expected, Verdict? Verdict, string VerdictMarkup, bool Matches, ReportedRule? Rule);

    /// <summary>
    /// The table for 80 columns: no borders between columns; a verdict that differs shows as
    /// <c>dropped ≠ allowed</c> (observed or predicted ≠ expected); the rule is cut to the width left
    /// beside the other columns, so that a flow stays one line.
    /// </summary>
    public static Table Compact(string title, IReadOnlyList<CompactRow> rows, string caption, int width)
    {
        var table = new Table { Border = TableBorder.Simple, Title = new TableTitle($"[bold]{Markup.Escape(title)}[/]"), Caption = new TableTitle(caption) };
        table.AddColumn(new TableColumn("flow") { NoWrap = true, Padding = new Padding(0, 0, 1, 0) });
        table.AddColumn(new TableColumn("from") { NoWrap = true, Padding = new Padding(0, 0, 1, 0) });
        table.AddColumn(new TableColumn("port") { NoWrap = true, Padding = new Padding(0, 0, 1, 0) });
        table.AddColumn(new TableColumn("verdict") { NoWrap = true, Padding = new Padding(0, 0, 1, 0) });
        table.AddColumn(new TableColumn("deciding rule") { Padding = new Padding(0, 0, 0, 0) });
        var cells = rows.Select(row => (Row: row, Verdict: row.Matches || row.Expected is not { } expected || row.Verdict is not { } verdict
            ? row.VerdictMarkup
            : $"[bold red]{verdict.ToWord()} ≠ {expected.ToWord()}[/]")).ToList();
        var ruleWidth = Math.Max(MinRuleWidth, width - CompactOverhead
            - Widest(cells, c => c.Row.Id, "flow") - Widest(cells, c => c.Row.From, "from") - Widest(cells, c => c.Row.Port.ToString(), "port")
            - Widest(cells, c => Markup.Remove(c.Verdict), "verdict"));
        foreach (var (row, verdict) in cells)
        {
            table.AddRow(Markup.Escape(row.Id), Markup.Escape(row.From), row.Port.ToString(), verdict, Markup.Escape(RuleName(row.Rule, ruleWidth)));
        }

        return table;
    }

    /// <summary>The compact table's frame: an edge each side, and a space of padding and one of separator after each of the four narrow columns.</summary>
    private const int CompactOverhead = 10;

    /// <summary>Below this the rule is not cut but wrapped: a rule name of fewer letters says too little.</summary>
    private const int MinRuleWidth = 16;

    private static int Widest<T>(IReadOnlyList<T> cells, Func<T, string> text, string header) => cells.Select(c => text(c).Length).Append(header.Length).Max();

    private static string Caption(RuleSetReport ruleSet)
    {
        var mismatches = ruleSet.Flows.Count(f => f.Mismatched);
        var untested = ruleSet.Flows.Count(f => !f.Observed.IsTested());
        return (mismatches == 0
            ? untested == 0 ? $"[green]{ruleSet.Flows.Count} flows, all as expected[/]" : $"[green]{ruleSet.Flows.Count - untested} flows tested, all as expected[/]"
            : $"[red]{mismatches} of {ruleSet.Flows.Count} flows differ from the expectation[/]")
            + (untested == 0 ? string.Empty : $"; [bold magenta]{untested} not tested: a host failed[/]");
    }

    private static string Colour(Verdict verdict, bool matches)
    {
        var word = verdict.ToWord();
        if (!verdict.IsTested())
        {
            return $"[bold magenta]{word}[/]";
        }

        var colour = verdict == Verdict.Allowed ? "green" : verdict is Verdict.Broken or Verdict.Unroutable ? "yellow" : "blue";
        return matches ? $"[{colour}]{word}[/]" : $"[bold red]{word} ✗[/]";
    }

    /// <summary>
    /// The rule as people know it: its line in the user's file where known (else the kernel's handle),
    /// then its comment, else its text; a policy as "forward policy drop" (short enough to stay whole).
    /// </summary>
    public static string RuleName(ReportedRule? reported, int length = 40)
    {
        if (reported?.Rule is not { } rule)
        {
            return "–";
        }

        var line = reported.Location is { } location && location.LastIndexOf(':') is > 0 and var colon ? $"line {location[(colon + 1)..]} " : null;
        var name = rule.Handle is null ? $"{rule.Chain} {rule.Text}" : $"{line ?? $"#{rule.Handle} "}{rule.Comment ?? rule.Text}";
        return Shorten(name, length);
    }

    public static string Shorten(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";
}
