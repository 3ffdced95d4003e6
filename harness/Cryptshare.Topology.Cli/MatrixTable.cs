using Cryptshare.Topology.Model;
using Cryptshare.Topology.Reports;
using Spectre.Console;

namespace Cryptshare.Topology.Cli;

/// <summary>The matrix as people read it: one table per rule set, a row per probed flow.</summary>
internal static class MatrixTable
{
    public static void Write(IAnsiConsole console, MatrixReport report)
    {
        foreach (var ruleSet in report.RuleSets)
        {
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

            var mismatches = ruleSet.Flows.Count(f => f.Mismatched);
            var untested = ruleSet.Flows.Count(f => !f.Observed.IsTested());
            table.Caption = new TableTitle((mismatches == 0
                ? untested == 0 ? $"[green]{ruleSet.Flows.Count} flows, all as expected[/]" : $"[green]{ruleSet.Flows.Count - untested} flows tested, all as expected[/]"
                : $"[red]{mismatches} of {ruleSet.Flows.Count} flows differ from the expectation[/]")
                + (untested == 0 ? string.Empty : $"; [bold magenta]{untested} not tested: a host failed[/]"));
            console.Write(table);
        }

        console.MarkupLine($"topology up {report.Timings.TopologyUpMs} ms, matrix {report.Timings.MatrixMs} ms");
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

    /// <summary>The rule as people know it: its comment, else its text; a policy as "policy drop".</summary>
    public static string RuleName(ReportedRule? reported)
    {
        if (reported?.Rule is not { } rule)
        {
            return "–";
        }

        var name = rule.Handle is null ? $"{rule.Chain} {rule.Text}" : $"#{rule.Handle} {rule.Comment ?? rule.Text}";
        return Shorten(name, 40);
    }

    public static string Shorten(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";
}
