using Cryptshare.Topology.Fixtures.Topology;
using Cryptshare.Topology.Reports;

namespace Cryptshare.Topology.Cli.Matrix;

/// <summary>
/// <c>run --repeat N</c>: the whole matrix N times on one live topology (one start, rule sets swapped
/// in place, the topology's routing proven before each repetition). The report is the first
/// repetition's (with its findings), as a single run would give it, with the <c>flaky</c> section from all of them.
/// </summary>
internal static class RepeatedMatrix
{
    public const int MaxRepeats = 1000;

    public static async Task<MatrixRun> RunAsync(LiveTopology topology, MatrixInputs inputs, int repeats, IProgress<string>? progress, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        var repetitions = new List<MatrixRun>(repeats);
        for (var i = 1; i <= repeats; i++)
        {
            if (repeats > 1)
            {
                progress?.Report($"repetition {i} of {repeats}");
            }

            repetitions.Add(await MatrixRunner.RunAsync(topology, inputs, progress, ct));
        }

        var first = repetitions[0];
        return repeats == 1 ? first : first with { Report = first.Report with { Flaky = Flakiness.Find(repetitions.Select(r => r.Report).ToList()) } };
    }
}
