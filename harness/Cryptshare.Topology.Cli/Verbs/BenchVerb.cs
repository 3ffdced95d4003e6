using System.CommandLine;
using System.Diagnostics;
using Cryptshare.Topology.Cli.Matrix;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Fixtures.Topology;
using Cryptshare.Topology.Flows;
using Cryptshare.Topology.Input;
using Spectre.Console;

namespace Cryptshare.Topology.Cli.Verbs;

/// <summary>
/// `bench`: the speed figures of the live harness, measured side by side in one run on one
/// topology: topology up; rule-set swap alone; a full matrix; a swap plus a full matrix; and the
/// same matrix with one agent exec per probe instead of one per source, for the ratio.
/// </summary>
internal static class BenchVerb
{
    public static Command Create()
    {
        var topology = new Option<FileInfo?>("--topology") { Description = "Topology file (YAML). Default: the default topology." };
        var rounds = new Option<int>("--rounds") { Description = "Rounds over the rule-set library.", DefaultValueFactory = _ => 2 };
        var command = new Command("bench", "Measure topology start, rule-set swap and matrix times on the rule-set library, side by side.") { topology, rounds };
        command.SetAction(async (parse, ct) =>
        {
            MatrixInputs inputs;
            try
            {
                var library = Directory.EnumerateFiles(Path.Combine(RepositoryLayout.Fixtures, "rulesets"), "*.nft")
                    .Where(f => !f.EndsWith(".host.nft", StringComparison.Ordinal)).Order().Select(f => new FileInfo(f)).ToList();
                inputs = MatrixInputs.Load(parse.GetValue(topology), library);
            }
            catch (InputException e)
            {
                await Console.Error.WriteLineAsync(e.Message);
                return ExitCodes.BadInput;
            }

            if (!DockerEngine.IsAvailable)
            {
                await Console.Error.WriteLineAsync(DockerEngine.HowToGetOne);
                return ExitCodes.NoEngine;
            }

            var console = ConsoleOutput.Create();
            await using var live = await LiveTopology.StartAsync(inputs.Topology, inputs.Catalog, null, ct);
            try
            {
                _ = await live.CheckRoutingAsync(ct);
                var swaps = new List<double>();
                var matrices = new List<double>();
                var swapAndMatrix = new List<double>();
                var probes = 0;
                for (var round = 0; round < parse.GetValue(rounds); round++)
                {
                    foreach (var ruleSet in inputs.RuleSets)
                    {
                        var cases = MatrixPlanner.Plan(inputs.Topology, inputs.Catalog, ruleSet);
                        var total = Stopwatch.StartNew();
                        await live.ApplyAsync(ruleSet, ct);
                        swaps.Add(total.Elapsed.TotalMilliseconds);
                        var matrix = Stopwatch.StartNew();
                        probes += (await live.ProbeAsync(cases, ct)).Count;
                        matrices.Add(matrix.Elapsed.TotalMilliseconds);
                        swapAndMatrix.Add(total.Elapsed.TotalMilliseconds);
                    }
                }

                // The same documented matrix with one exec per probe, one source after another, as a
                // home-made script would run it: the figure the batched agent is measured against.
                var documented = inputs.RuleSets[0];
                await live.ApplyAsync(documented, ct);
                var documentedCases = MatrixPlanner.Plan(inputs.Topology, inputs.Catalog, documented);
                var batched = Stopwatch.StartNew();
                await live.ProbeAsync(documentedCases, ct);
                var batchedMs = batched.Elapsed.TotalMilliseconds;
                var oneByOne = Stopwatch.StartNew();
                foreach (var probeCase in documentedCases)
                {
                    await live.ProbeAsync([probeCase], ct);
                }

                var oneByOneMs = oneByOne.Elapsed.TotalMilliseconds;
                var table = new Table { Border = TableBorder.Rounded, Title = new TableTitle("[bold]bench[/]") };
                table.AddColumns("what", "median ms", "max ms", "samples");
                table.AddRow("topology up (cached images)", $"{live.UpTime.TotalMilliseconds:0}", "", "1");
                table.AddRow("rule-set swap (nft -f + host firewall + trace restart)", $"{Median(swaps):0}", $"{swaps.Max():0}", $"{swaps.Count}");
                table.AddRow($"full matrix ({documentedCases.Count} flows, sources in parallel)", $"{Median(matrices):0}", $"{matrices.Max():0}", $"{matrices.Count}");
                table.AddRow("swap + full matrix", $"{Median(swapAndMatrix):0}", $"{swapAndMatrix.Max():0}", $"{swapAndMatrix.Count}");
                table.AddRow("documented matrix, one exec per source (batched)", $"{batchedMs:0}", "", "1");
                table.AddRow("documented matrix, one exec per probe, sequential", $"{oneByOneMs:0}", "", "1");
                console.Write(table);
                console.MarkupLine($"{probes} probes; batching is {oneByOneMs / batchedMs:0.0}× faster than one exec per probe");
                return ExitCodes.Matched;
            }
            finally
            {
                await HarnessJanitor.RemoveAsync(HarnessLabels.CurrentRun, CancellationToken.None);
            }
        });
        return command;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[sorted.Count / 2];
    }
}
