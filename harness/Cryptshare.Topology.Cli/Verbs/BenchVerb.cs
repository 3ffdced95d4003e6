using System.CommandLine;
using System.Text.Json;
using Cryptshare.Topology.Reports;
using Cryptshare.Topology.Runs;
using Cryptshare.Topology.Runs.Live;
using Spectre.Console;

namespace Cryptshare.Topology.Cli.Verbs;

/// <summary>
/// `bench`: the speed figures of the live harness (<see cref="Bench"/>), measured side by side in one
/// run on one topology: topology up; rule-set swap alone; a full matrix; a swap plus a full matrix;
/// and the same matrix with one agent exec per probe instead of one per source, for the ratio; then
/// the harness beside nmap on the same tuples, in pairs, with the medians and the ratio per rule set
/// and overall, and the load average (`--json` writes all of it as JSON). With --parallel: the
/// library on 1, 2 … K topologies at once (<see cref="ParallelBench"/>).
/// </summary>
internal static class BenchVerb
{
    public static Command Create()
    {
        var topology = PathOptions.File("--topology", "Topology file (YAML). Default: the default topology.");
        var starts = NumberOptions.Count("--starts", "Topology starts from cached images, for the cold-start median (1 or more).", 3, 1, int.MaxValue, "give 1 or more starts");
        var rounds = NumberOptions.Count("--rounds", "Warm rounds over the rule-set library after the first (1 or more).", 3, 1, int.MaxValue, "give 1 or more rounds");
        var pairs = NumberOptions.Count("--pairs", "Paired runs (harness matrix, then nmap of the same tuples) per compared rule set; 0 leaves nmap out.", 5, 0, int.MaxValue, "give 0 or more pairs");
        var json = new Option<bool>("--json") { Description = "Write the figures as JSON on standard output instead of a table (for CI history)." };
        var parallel = new Option<int?>("--parallel")
        {
            Description = $"Instead: the library's wall time on 1, 2 … K topologies at once (default K = {DefaultParallel}), with each topology's CPU and memory from the engine's stats.",
            HelpName = "K",
            Arity = ArgumentArity.ZeroOrOne,
            CustomParser = result =>
            {
                if (result.Tokens.Count == 0)
                {
                    return DefaultParallel;
                }

                if (int.TryParse(result.Tokens[0].Value, out var k) && k is >= 1 and <= RunOptions.MaxParallel)
                {
                    return k;
                }

                result.AddError($"--parallel {result.Tokens[0].Value}: give a number of topologies from 1 to {RunOptions.MaxParallel}");
                return null;
            },
        };
        var command = new Command("bench", "Measure topology start, rule-set swap and matrix times on the rule-set library, side by side; or, with --parallel, the library on several topologies at once.")
        {
            topology, starts, rounds, pairs, json, parallel,
        };
        command.SetAction(async (parse, ct) =>
        {
            // The library as run prepares it: iptables-save files are loaded by iptables-restore, not handed to nft.
            var inputs = await RunPipeline.PrepareAsync(MatrixInputs.Load(parse.GetValue(topology)?.FullName, MatrixInputs.LibraryRuleSetPaths()), ConsoleOutput.Warn, ct);
            if (parse.GetValue(parallel) is { } k)
            {
                var output = ConsoleOutput.Create();
                ParallelBenchTable.Write(output, await ParallelBench.RunAsync(inputs, k, ConsoleOutput.Progress(output), ct));
                return ExitCodes.Matched;
            }

            var figures = await Bench.RunAsync(inputs, parse.GetValue(starts), parse.GetValue(rounds), parse.GetValue(pairs), Bench.DefaultNmapRuleSets, ct);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(figures, MatrixReport.Json));
                return ExitCodes.Matched;
            }

            var table = new Table { Border = TableBorder.Rounded, Title = new TableTitle("[bold]bench[/]") };
            table.AddColumns("what", "median ms", "max ms", "samples");
            table.AddRow("cold start, cached images (topology up)", $"{figures.TopologyUpMs:0}", $"{figures.ColdStartMs.Max():0}", $"{figures.ColdStartMs.Count}");
            table.AddRow("rule-set swap (load + host firewall + trace restart + rules read back)", $"{Median(figures.SwapMs):0}", $"{figures.SwapMs.Max():0}", $"{figures.SwapMs.Count}");
            table.AddRow("full matrix, any library rule set (sources in parallel)", $"{Median(figures.MatrixMs):0}", $"{figures.MatrixMs.Max():0}", $"{figures.MatrixMs.Count}");
            table.AddRow("swap + full matrix, any library rule set", $"{Median(figures.SwapAndMatrixMs):0}", $"{figures.SwapAndMatrixMs.Max():0}", $"{figures.SwapAndMatrixMs.Count}");
            table.AddRow($"warm swap to {Markup.Escape(Bench.DefaultNmapRuleSets[0])} + its matrix ({figures.DocumentedCases} flows)", $"{Median(figures.WarmDocumentedMs):0}", $"{figures.WarmDocumentedMs.Max():0}", $"{figures.WarmDocumentedMs.Count}");
            table.AddRow("documented matrix, one batch per source", $"{figures.BatchedMs:0}", "", "1");
            table.AddRow("documented matrix, one batch per probe, sequential", $"{figures.OneByOneMs:0}", "", "1");
            var console = ConsoleOutput.Create();
            console.Write(table);
            console.MarkupLine($"{figures.Probes} probes; batching is {figures.OneByOneMs / figures.BatchedMs:0.0}× faster than one batch per probe");
            console.Write(RuleSetTable(figures));
            console.Write(SlowestTable(figures));
            if (figures.Nmap.Count > 0)
            {
                console.Write(NmapTable(figures));
            }

            console.MarkupLine($"load average {figures.LoadAverage ?? "unknown"}");
            return ExitCodes.Matched;
        });
        return command;
    }

    /// <summary>K = 1, 2, 3: enough to see how the wall time falls and where a 2-core machine stops.</summary>
    private const int DefaultParallel = 3;

    private static double Median(IReadOnlyList<double> values) => Medians.Of(values);

    /// <summary>Each library rule set's swap and matrix medians, and why a rule set's drops wait out the connect timeout.</summary>
    private static Table RuleSetTable(BenchFigures figures)
    {
        var table = new Table { Border = TableBorder.Rounded, Title = new TableTitle("[bold]per library rule set (medians of the warm rounds)[/]") };
        table.AddColumns("rule set", "flows", "first round matrix ms", "swap median ms", "matrix median ms", "matrix max ms", "slowest probe (last round)", "drops");
        foreach (var r in figures.RuleSets)
        {
            var slowest = r.Slowest is { } p ? $"{p.Flow} from {p.From} {p.Verdict} {p.ElapsedMs} ms" : string.Empty;
            table.AddRow(Markup.Escape(r.RuleSet), $"{r.Flows}", $"{r.FirstMatrixMs:0}", $"{r.SwapMedianMs:0}", $"{r.MatrixMedianMs:0}", $"{r.MatrixMs.Max():0}", Markup.Escape(slowest),
                Markup.Escape(r.TimeoutOnly is null ? "from the trace" : $"timeout: {r.TimeoutOnly}"));
        }

        return table;
    }

    /// <summary>Where the warm documented matrix spends its time: its slowest probes, connect and protocol apart.</summary>
    private static Table SlowestTable(BenchFigures figures)
    {
        var table = new Table { Border = TableBorder.Rounded, Title = new TableTitle("[bold]slowest probes of the last warm documented matrix[/]") };
        table.AddColumns("flow", "from", "to", "verdict", "ms", "connect ms", "protocol ms");
        foreach (var p in figures.SlowestWarmProbes)
        {
            table.AddRow(Markup.Escape(p.Flow), Markup.Escape(p.From), Markup.Escape($"{p.To}:{p.Port}"), p.Verdict, $"{p.ElapsedMs}", $"{p.ConnectMs}", $"{p.ExchangeMs}");
        }

        return table;
    }

    /// <summary>The harness beside nmap: per rule set and overall; a ratio below 1 means the harness was quicker.</summary>
    private static Table NmapTable(BenchFigures figures)
    {
        var table = new Table { Border = TableBorder.Rounded, Title = new TableTitle("[bold]harness vs nmap -sT -Pn -n -T4, same tuples, paired[/]") };
        table.AddColumns("rule set", "tuples", "harness median ms", "nmap median ms", "harness/nmap", "pairs");
        foreach (var n in figures.Nmap)
        {
            table.AddRow(Markup.Escape(n.RuleSet), $"{n.Tuples}", $"{n.HarnessMedianMs:0}", $"{n.NmapMedianMs:0}", $"{n.Ratio:0.00}", $"{n.HarnessMs.Count}");
        }

        table.AddRow("overall", "", $"{figures.Nmap.Sum(n => n.HarnessMedianMs):0}", $"{figures.Nmap.Sum(n => n.NmapMedianMs):0}", $"{figures.OverallRatio:0.00}", "");
        return table;
    }
}
