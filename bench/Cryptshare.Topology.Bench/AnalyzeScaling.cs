using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Cryptshare.Topology.Runs;
using Cryptshare.Topology.Runs.Static;

namespace Cryptshare.Topology.Bench;

/// <summary>One <c>analyze</c> of a generated file, as its own process measured it.</summary>
public sealed record AnalyzeSample(int Rules, double NftMs, double AnalyzeMs, long PeakBytes);

/// <summary>
/// How <c>analyze</c> scales with the customer's file: for each size a generated rule set
/// (<see cref="RuleSetGenerator.Sized"/>) is analyzed in a fresh process of this program, which
/// reports the whole analyze (nft's parse, oracle, diagnosis, report), the part of it spent in nft
/// (sandbox, load and JSON listing, by the very path analyze takes: this machine's nft in a private
/// namespace, or a throw-away firewall container), and the process's peak resident memory. A
/// fresh process per size, so that each peak is that size's own.
/// </summary>
public static class AnalyzeScaling
{
    public static readonly int[] DefaultSizes = [1_000, 10_000, 20_000, 100_000];

    /// <summary>Measures every size in a child process and prints one line each.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<int> sizes)
    {
        var folder = Directory.CreateTempSubdirectory("ctt-bench-analyze-");
        try
        {
            Console.WriteLine($"analyze scaling: load average {LoadAverage()}; nft = sandbox + load + JSON listing inside analyze; ratio = analyze / nft");
            Console.WriteLine($"{"rules",8} {"nft ms",8} {"analyze ms",11} {"ratio",6} {"oracle ms",10} {"peak MB",8} {"process ms",11}");
            foreach (var size in sizes)
            {
                var file = Path.Combine(folder.FullName, $"rules-{size}.nft");
                await File.WriteAllTextAsync(file, RuleSetGenerator.Sized(size));
                var (sample, processMs) = await MeasureInChildAsync(file, size, Path.Combine(folder.FullName, $"out-{size}"));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{sample.Rules,8} {sample.NftMs,8:0} {sample.AnalyzeMs,11:0} {sample.AnalyzeMs / sample.NftMs,6:0.00} {sample.AnalyzeMs - sample.NftMs,10:0} {sample.PeakBytes / 1048576.0,8:0} {processMs,11:0}"));
            }

            Console.WriteLine($"load average at the end {LoadAverage()}");
            return 0;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>The child's part: one analyze, its figures as one JSON line on standard output.</summary>
    public static async Task<int> MeasureOneAsync(string file, int rules, string output)
    {
        var clock = Stopwatch.StartNew();
        var inputs = MatrixInputs.Load(null, [file]);
        var result = await StaticAnalysis.RunAsync(inputs, output, _ => { }, CancellationToken.None);
        var analyzeMs = clock.Elapsed.TotalMilliseconds;
        using var self = Process.GetCurrentProcess();
        Console.WriteLine(JsonSerializer.Serialize(new AnalyzeSample(rules, result.Report.Timings.ParseMs, analyzeMs, self.PeakWorkingSet64)));
        return 0;
    }

    private static async Task<(AnalyzeSample Sample, double ProcessMs)> MeasureInChildAsync(string file, int rules, string output)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
        // As the command-line tool runs analyze (its project turns dynamic PGO off); this program keeps
        // PGO on for the oracle's steady-state figures.
        start.Environment["DOTNET_TieredPGO"] = "0";
        var entry = typeof(AnalyzeScaling).Assembly.Location;
        // Under the dotnet host the program is its first argument; the apphost is the program itself.
        // (Not by comparing names without extension: the apphost "Cryptshare.Topology.Bench" has ".Bench" as one.)
        if (Path.GetFileName(Environment.ProcessPath!) is "dotnet" or "dotnet.exe")
        {
            start.ArgumentList.Add(entry);
        }

        foreach (var argument in new[] { "analyze-one", file, rules.ToString(CultureInfo.InvariantCulture), output })
        {
            start.ArgumentList.Add(argument);
        }

        var clock = Stopwatch.StartNew();
        using var child = Process.Start(start) ?? throw new InvalidOperationException("the analyze process did not start");
        var text = await child.StandardOutput.ReadToEndAsync();
        await child.WaitForExitAsync();
        var processMs = clock.Elapsed.TotalMilliseconds;
        var line = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault(l => l.StartsWith('{'));
        if (child.ExitCode != 0 || line is null)
        {
            throw new InvalidOperationException($"analyze of {rules} rules failed (exit {child.ExitCode})");
        }

        return (JsonSerializer.Deserialize<AnalyzeSample>(line)!, processMs);
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
