using System.CommandLine;
using Cryptshare.Topology.Runs;
using Cryptshare.Topology.Runs.Live;
using Spectre.Console;

namespace Cryptshare.Topology.Cli.Verbs;

/// <summary>
/// `bench`: the speed figures of the live harness (<see cref="Bench"/>), measured side by side in one
/// run on one topology: topology up; rule-set swap alone; a full matrix; a swap plus a full matrix;
/// and the same matrix with one agent exec per probe instead of one per source, for the ratio. With
/// --parallel: the library on 1, 2 … K topologies at once (<see cref="ParallelBench"/>).
/// </summary>
internal static class BenchVerb
{
    public static Command Create()
    {
        var topology = PathOptions.File("--topology", "Topology file (YAML). Default: the default topology.");
        var rounds = NumberOptions.Count("--rounds", "Rounds over the rule-set library (1 or more).", 2, 1, int.MaxValue, "give 1 or more rounds");
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
            topology, rounds, parallel,
        };
        command.SetAction(async (parse, ct) =>
        {
            var inputs = MatrixInputs.Load(parse.GetValue(topology)?.FullName, MatrixInputs.LibraryRuleSetPaths());
            if (parse.GetValue(parallel) is { } k)
            {
                var output = ConsoleOutput.Create();
                ParallelBenchTable.Write(output, await ParallelBench.RunAsync(inputs, k, ConsoleOutput.Progress(output), ct));
                return ExitCodes.Matched;
            }

            var figures = await Bench.RunAsync(inputs, parse.GetValue(rounds), ct);

            var table = new Table { Border = TableBorder.Rounded, Title = new TableTitle("[bold]bench[/]") };
            table.AddColumns("what", "median ms", "max ms", "samples");
            table.AddRow("topology up (cached images)", $"{figures.TopologyUpMs:0}", "", "1");
            table.AddRow("rule-set swap (nft -f + host firewall + trace restart)", $"{Median(figures.SwapMs):0}", $"{figures.SwapMs.Max():0}", $"{figures.SwapMs.Count}");
            table.AddRow($"full matrix ({figures.DocumentedCases} flows, sources in parallel)", $"{Median(figures.MatrixMs):0}", $"{figures.MatrixMs.Max():0}", $"{figures.MatrixMs.Count}");
            table.AddRow("swap + full matrix", $"{Median(figures.SwapAndMatrixMs):0}", $"{figures.SwapAndMatrixMs.Max():0}", $"{figures.SwapAndMatrixMs.Count}");
            table.AddRow("documented matrix, one exec per source (batched)", $"{figures.BatchedMs:0}", "", "1");
            table.AddRow("documented matrix, one exec per probe, sequential", $"{figures.OneByOneMs:0}", "", "1");
            var console = ConsoleOutput.Create();
            console.Write(table);
            console.MarkupLine($"{figures.Probes} probes; batching is {figures.OneByOneMs / figures.BatchedMs:0.0}× faster than one exec per probe");
            return ExitCodes.Matched;
        });
        return command;
    }

    /// <summary>K = 1, 2, 3: enough to see how the wall time falls and where a 2-core machine stops.</summary>
    private const int DefaultParallel = 3;

    private static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[sorted.Count / 2];
    }
}
