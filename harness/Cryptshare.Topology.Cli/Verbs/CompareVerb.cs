using System.CommandLine;
using System.Text.Json;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.Reports;
using Cryptshare.Topology.Runs;
using Spectre.Console;

namespace Cryptshare.Topology.Cli.Verbs;

/// <summary>
/// `compare SIMULATED LIVE…`: a run's or analyze's report.json beside the live reports of the
/// portable agent (<see cref="ReportComparer"/>), per flow and source zone, each difference said in
/// the user's terms. Exit 0 when they agree, 1 when they do not, 2 for a file that is not such a
/// report or reports with no flow in common.
/// </summary>
internal static class CompareVerb
{
    public static Command Create()
    {
        var simulated = new Argument<FileInfo>("SIMULATED") { Description = "report.json of `run` or `analyze` (with --site, for the same site)." };
        var live = new Argument<FileInfo[]>("LIVE") { Description = "live-report.json of the agent, one or more (one per machine it ran on).", Arity = ArgumentArity.OneOrMore };
        var ruleSet = new Option<string>("--rule-set") { Description = "The rule set of SIMULATED to compare, when it holds several.", HelpName = "NAME" };
        var json = new Option<bool>("--json") { Description = "Write the comparison as JSON on standard output instead of a table." };
        var output = PathOptions.File("--out", "Also write compare.json and compare.html into this folder.", "DIR");
        var command = new Command("compare", "Put the simulation beside the customer's real network: which flows differ between report.json and the live reports, and what each difference means. Exit 0 when they agree, 1 when not.")
        {
            simulated, live, ruleSet, json, output,
        };
        command.SetAction(async (parse, ct) =>
        {
            var folder = parse.GetValue(output) is { } given ? OutputPaths.Folder(given.FullName) : null;
            var matrix = SimulatedMatrix.Read(parse.GetValue(simulated)!.FullName, parse.GetValue(ruleSet));
            var reports = parse.GetValue(live)!.Select(f => (f.FullName, LiveReport.Read(f.FullName))).ToList();
            var comparison = ReportComparer.Compare(matrix, reports);
            var text = JsonSerializer.Serialize(comparison, MatrixReport.Json);
            if (folder is not null)
            {
                // The --out check leaves no folder behind; the files make it now.
                Directory.CreateDirectory(folder);
                await File.WriteAllTextAsync(Path.Combine(folder, "compare.json"), text, ct);
                ComparisonHtml.Write(Path.Combine(folder, ComparisonHtml.FileName), comparison);
            }

            if (parse.GetValue(json))
            {
                await parse.InvocationConfiguration.Output.WriteLineAsync(text);
            }
            else
            {
                Write(ConsoleOutput.Create(), comparison, folder);
            }

            return comparison.Agrees ? ExitCodes.Matched : ExitCodes.Mismatch;
        });
        return command;
    }

    private static void Write(IAnsiConsole console, ReportComparison comparison, string? folder)
    {
        var table = new Table { Border = TableBorder.Rounded, Title = new TableTitle($"[bold]{Markup.Escape(comparison.RuleSet)}[/] simulated, beside the live network") };
        table.AddColumns("flow", "from", "to", "port", "simulated", "live", "agreement", "machine");
        foreach (var flow in comparison.Flows)
        {
            var word = Markup.Escape(ComparisonHtml.Word(flow.Agreement));
            table.AddRow(
                Markup.Escape(flow.FlowId),
                Markup.Escape(flow.From),
                Markup.Escape(flow.To),
                flow.Port.ToString(),
                flow.Simulated?.ToWord() ?? "[grey]–[/]",
                flow.Live?.ToWord() ?? "[grey]–[/]",
                flow.IsDifference ? $"[bold red]{word}[/]" : flow.Agreement == Agreement.Agree ? $"[green]{word}[/]" : $"[grey]{word}[/]",
                Markup.Escape(flow.Machine ?? "–"));
        }

        console.Write(table);
        foreach (var warning in comparison.Warnings)
        {
            console.MarkupLine($"[yellow]{Markup.Escape(warning)}[/]");
        }

        foreach (var difference in comparison.Differences)
        {
            console.WriteLine($"{ComparisonHtml.Word(difference.Agreement)}: {difference.FlowId} from {difference.From} (port {difference.Port} to {difference.To}): {difference.Meaning}");
        }

        if (folder is not null)
        {
            console.MarkupLine($"written: {Markup.Escape(Path.Combine(folder, "compare.json"))}, {Markup.Escape(Path.Combine(folder, ComparisonHtml.FileName))}");
        }

        console.WriteLine(ComparisonHtml.Lead(comparison));
    }
}
