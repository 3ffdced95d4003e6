using System.Collections.Concurrent;
using System.Diagnostics;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Fixtures.Topology;

namespace Cryptshare.Topology.Runs.Live;

/// <summary>One topology's load while the library ran: CPU time of its containers (start included), the cores that is on average over the run, and its peak memory.</summary>
public sealed record TopologyLoad(string Topology, int Containers, double CpuSeconds, double AverageCores, long PeakMemoryBytes);

/// <summary>
/// The library once on <see cref="Topologies"/> topologies at once (<c>run --parallel K</c>): wall time
/// (start to last verdict), the slowest start and matrix, each topology's load from the engine's stats,
/// the harness process's own CPU time, and how busy this machine's CPUs were (null when the engine is
/// on another machine, or /proc/stat cannot be read).
/// </summary>
public sealed record ParallelFigure(int Topologies, double WallMs, double UpMs, double MatrixMs, IReadOnlyList<TopologyLoad> Loads, double HarnessCpuSeconds, double? MachineBusyCores, int Flows);

/// <summary>
/// <c>bench --parallel K</c>: the library's wall time on 1, 2 … K topologies at once, each measured
/// alone, one after the other, with per-topology CPU and memory from the engine's stats (sampled every
/// <see cref="SampleEvery"/>): the figures from which to say how many topologies a machine holds.
/// </summary>
public static class ParallelBench
{
    public static readonly TimeSpan SampleEvery = TimeSpan.FromSeconds(2);

    public static async Task<IReadOnlyList<ParallelFigure>> RunAsync(MatrixInputs inputs, int maxTopologies, IProgress<string>? progress, CancellationToken ct)
    {
        Engine.Require();
        var figures = new List<ParallelFigure>();
        for (var k = 1; k <= maxTopologies; k++)
        {
            progress?.Report($"the library ({inputs.RuleSets.Count} rule sets) on {k} topolog{(k == 1 ? "y" : "ies")} at once");
            figures.Add(await MeasureAsync(inputs, k, ct));
        }

        return figures;
    }

    private static async Task<ParallelFigure> MeasureAsync(MatrixInputs inputs, int topologies, CancellationToken ct)
    {
        var started = new List<LiveMatrix>();
        var peaks = new ConcurrentDictionary<string, long>();
        using var sampling = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var sampler = SampleMemoryAsync(peaks, sampling.Token);
        var harnessCpu = Process.GetCurrentProcess().TotalProcessorTime;
        var machine = MachineCpu.Read();
        var clock = Stopwatch.StartNew();
        try
        {
            var run = await ParallelMatrix.RunAsync(inputs, topologies, 1, started, null, ct);
            var wall = clock.Elapsed;
            var final = await TopologyStats.ReadAsync(HarnessLabels.CurrentRun, ct);
            var busy = MachineCpu.Read() is { } after && machine is { } before ? after.BusyCoresSince(before) : (double?)null;
            await sampling.CancelAsync();
            await sampler;
            var loads = final.Select(u => new TopologyLoad(
                u.Topology,
                u.Containers,
                u.CpuTime.TotalSeconds,
                u.CpuTime.TotalSeconds / wall.TotalSeconds,
                Math.Max(u.MemoryBytes, peaks.GetValueOrDefault(u.Topology)))).ToList();
            return new ParallelFigure(
                topologies,
                wall.TotalMilliseconds,
                run.Report.Timings.TopologyUpMs,
                run.Report.Timings.MatrixMs,
                loads,
                (Process.GetCurrentProcess().TotalProcessorTime - harnessCpu).TotalSeconds,
                busy,
                run.Report.RuleSets.Sum(r => r.Flows.Count));
        }
        finally
        {
            await sampling.CancelAsync();
            await sampler;
            await Task.WhenAll(started.Select(live => live.DisposeAsync().AsTask()));
            await HarnessJanitor.RemoveAsync(HarnessLabels.CurrentRun, CancellationToken.None);
        }
    }

    /// <summary>Reads every topology's memory until cancelled, keeping each one's peak.</summary>
    private static async Task SampleMemoryAsync(ConcurrentDictionary<string, long> peaks, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                foreach (var usage in await TopologyStats.ReadAsync(HarnessLabels.CurrentRun, ct))
                {
                    peaks.AddOrUpdate(usage.Topology, usage.MemoryBytes, (_, peak) => Math.Max(peak, usage.MemoryBytes));
                }

                await Task.Delay(SampleEvery, ct);
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over: the peaks are what they are.
        }
    }

    /// <summary>This machine's CPU counters (<c>/proc/stat</c>), where the engine runs here: how busy all cores were, other load included.</summary>
    private sealed record MachineCpu(long Busy, long Total)
    {
        public static MachineCpu? Read()
        {
            if (Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host && !host.StartsWith("unix://", StringComparison.Ordinal))
            {
                return null;
            }

            try
            {
                // "cpu  user nice system idle iowait irq softirq steal …" in clock ticks.
                var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(long.Parse).ToList();
                var idle = fields[3] + fields[4];
                return new MachineCpu(fields.Sum() - idle, fields.Sum());
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                return null;
            }
        }

        public double BusyCoresSince(MachineCpu before) =>
            Total == before.Total ? 0 : (double)(Busy - before.Busy) / (Total - before.Total) * Environment.ProcessorCount;
    }
}
