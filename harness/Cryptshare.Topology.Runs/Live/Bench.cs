using System.Diagnostics;
using Cryptshare.Topology.Fixtures.Engine;

namespace Cryptshare.Topology.Runs.Live;

/// <summary>The speed figures of the live harness (milliseconds), measured side by side on one topology.</summary>
public sealed record BenchFigures(
    double TopologyUpMs,
    IReadOnlyList<double> SwapMs,
    IReadOnlyList<double> MatrixMs,
    IReadOnlyList<double> SwapAndMatrixMs,
    int DocumentedCases,
    double BatchedMs,
    double OneByOneMs,
    int Probes);

/// <summary>
/// The <c>bench</c> use-case: topology up; then, over the rule-set library for some rounds, the
/// rule-set swap alone, the full matrix, and both; then the documented matrix batched (one agent
/// exec per source) and one exec per probe, one after another, as a home-made script would run it:
/// the figure the batched agent is measured against.
/// </summary>
public static class Bench
{
    public static async Task<BenchFigures> RunAsync(MatrixInputs inputs, int rounds, CancellationToken ct)
    {
        Engine.Require();
        try
        {
            await using var live = await LiveMatrix.StartAsync(inputs.Topology, inputs.Catalog, null, ct);
            await live.ProveRoutingAsync(ct);
            var (swaps, matrices, swapAndMatrix) = (new List<double>(), new List<double>(), new List<double>());
            var probes = 0;
            for (var round = 0; round < rounds; round++)
            {
                foreach (var ruleSet in inputs.RuleSets)
                {
                    var cases = live.Plan(ruleSet);
                    var total = Stopwatch.StartNew();
                    await live.ApplyAsync(ruleSet, ct);
                    swaps.Add(total.Elapsed.TotalMilliseconds);
                    var matrix = Stopwatch.StartNew();
                    probes += (await live.ProbeAsync(cases, ct)).Count;
                    matrices.Add(matrix.Elapsed.TotalMilliseconds);
                    swapAndMatrix.Add(total.Elapsed.TotalMilliseconds);
                }
            }

            var documented = inputs.RuleSets[0];
            await live.ApplyAsync(documented, ct);
            var documentedCases = live.Plan(documented);
            var batched = Stopwatch.StartNew();
            await live.ProbeAsync(documentedCases, ct);
            var batchedMs = batched.Elapsed.TotalMilliseconds;
            var oneByOne = Stopwatch.StartNew();
            foreach (var probeCase in documentedCases)
            {
                await live.ProbeAsync([probeCase], ct);
            }

            return new BenchFigures(live.Topology.UpTime.TotalMilliseconds, swaps, matrices, swapAndMatrix, documentedCases.Count, batchedMs, oneByOne.Elapsed.TotalMilliseconds, probes);
        }
        finally
        {
            await HarnessJanitor.RemoveAsync(HarnessLabels.CurrentRun, CancellationToken.None);
        }
    }
}
