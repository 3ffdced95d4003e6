using System.Globalization;
using Cryptshare.Topology.Runs.Live;
using Spectre.Console;

namespace Cryptshare.Topology.Cli;

/// <summary>`bench --parallel`: one row per K, then what one topology costs, from which a machine's capacity follows.</summary>
internal static class ParallelBenchTable
{
    public static void Write(IAnsiConsole console, IReadOnlyList<ParallelFigure> figures)
    {
        var table = new Table { Border = TableBorder.Rounded, Title = new TableTitle($"[bold]the library on K topologies at once ({Environment.ProcessorCount} cores here)[/]") };
        table.AddColumns("K", "wall s", "× K=1", "slowest start s", "slowest matrix s", "per topology: CPU s / avg cores / peak MiB", "harness CPU s", "machine busy cores");
        var single = figures[0].WallMs;
        foreach (var f in figures)
        {
            table.AddRow(
                Text(f.Topologies, "0"),
                Text(f.WallMs / 1000),
                Text(single / f.WallMs, "0.00"),
                Text(f.UpMs / 1000),
                Text(f.MatrixMs / 1000),
                string.Join(" | ", f.Loads.Select(l => $"{Text(l.CpuSeconds)} / {Text(l.AverageCores, "0.00")} / {Text(l.PeakMemoryBytes / 1048576.0, "0")}")),
                Text(f.HarnessCpuSeconds),
                f.MachineBusyCores is { } busy ? Text(busy, "0.00") : "n/a (remote engine)");
        }

        console.Write(table);
        var loads = figures.SelectMany(f => f.Loads).ToList();
        if (loads.Count == 0)
        {
            return;
        }

        // What one topology costs on average over every K: its containers' cores and memory, and its share of the harness process.
        var cores = loads.Average(l => l.AverageCores);
        var memory = loads.Max(l => l.PeakMemoryBytes) / 1048576.0;
        var harness = figures.Average(f => f.HarnessCpuSeconds / (f.WallMs / 1000) / f.Topologies);
        console.MarkupLine(
            $"one topology: {Text(cores, "0.00")} cores on average over a library run (its {loads[0].Containers} containers), peak {Text(memory, "0")} MiB; " +
            $"the harness process adds {Text(harness, "0.00")} cores per topology; {figures[^1].Flows} flows per library run");
    }

    private static string Text(double value, string format = "0.0") => value.ToString(format, CultureInfo.InvariantCulture);
}
