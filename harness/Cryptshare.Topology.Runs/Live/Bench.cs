using System.Diagnostics;
using System.Globalization;
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
    int Probes,
    IReadOnlyList<NmapComparison> Nmap,
    string? LoadAverage)
{
    /// <summary>Harness over nmap on every compared rule set together: the sum of the harness's medians over the sum of nmap's.</summary>
    public double? OverallRatio => Nmap.Count == 0 ? null : Nmap.Sum(n => n.HarnessMedianMs) / Nmap.Sum(n => n.NmapMedianMs);
}

/// <summary>
/// One rule set's matrix and nmap's scan of the same tuples, run in pairs (harness, then nmap) on one
/// applied rule set: the medians and their ratio (below 1: the harness was quicker).
/// </summary>
public sealed record NmapComparison(string RuleSet, int Tuples, IReadOnlyList<double> HarnessMs, IReadOnlyList<double> NmapMs)
{
    public double HarnessMedianMs => Medians.Of(HarnessMs);

    public double NmapMedianMs => Medians.Of(NmapMs);

    public double Ratio => HarnessMedianMs / NmapMedianMs;
}

/// <summary>The median as bench reports it (the upper middle of an even count).</summary>
public static class Medians
{
    public static double Of(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[sorted.Count / 2];
    }
}

/// <summary>
/// The <c>bench</c> use-case: topology up; then, over the rule-set library for some rounds, the
/// rule-set swap alone (the load and the rules read back, which drops from the trace need), the full
/// matrix, and both; then the documented matrix batched (one batch per source) and one batch per
/// probe, one after another, as a home-made script would run it; then, per compared rule set,
/// <c>pairs</c> paired runs of the harness's matrix and of nmap over the same tuples
/// (<see cref="NmapScan"/>).
/// </summary>
public static class Bench
{
    /// <summary>The rule sets compared with nmap unless told otherwise: the documented one and the two restrictive ones of the targets.</summary>
    public static readonly IReadOnlyList<string> DefaultNmapRuleSets = ["01-documented", "02-default-deny-but-ui", "08-missing-established"];

    public static async Task<BenchFigures> RunAsync(MatrixInputs inputs, int rounds, int pairs, IReadOnlyList<string> nmapRuleSets, CancellationToken ct)
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
                    var rules = (await live.ReadRulesAsync(ct)).Rules;
                    swaps.Add(total.Elapsed.TotalMilliseconds);
                    var matrix = Stopwatch.StartNew();
                    probes += (await live.ProbeAsync(cases, rules, ct)).Count;
                    matrices.Add(matrix.Elapsed.TotalMilliseconds);
                    swapAndMatrix.Add(total.Elapsed.TotalMilliseconds);
                }
            }

            var documented = inputs.RuleSets[0];
            await live.ApplyAsync(documented, ct);
            var documentedRules = (await live.ReadRulesAsync(ct)).Rules;
            var documentedCases = live.Plan(documented);
            var batched = Stopwatch.StartNew();
            await live.ProbeAsync(documentedCases, documentedRules, ct);
            var batchedMs = batched.Elapsed.TotalMilliseconds;
            var oneByOne = Stopwatch.StartNew();
            foreach (var probeCase in documentedCases)
            {
                await live.ProbeAsync([probeCase], documentedRules, ct);
            }

            var oneByOneMs = oneByOne.Elapsed.TotalMilliseconds;
            var comparisons = new List<NmapComparison>();
            foreach (var ruleSet in inputs.RuleSets.Where(r => nmapRuleSets.Contains(r.Name)))
            {
                comparisons.Add(await CompareWithNmapAsync(live, ruleSet, pairs, ct));
            }

            return new BenchFigures(live.Topology.UpTime.TotalMilliseconds, swaps, matrices, swapAndMatrix, documentedCases.Count, batchedMs, oneByOneMs, probes,
                comparisons, LoadAverage());
        }
        finally
        {
            await HarnessJanitor.RemoveAsync(HarnessLabels.CurrentRun, CancellationToken.None);
        }
    }

    /// <summary>One rule set applied once, then the harness's matrix and nmap's scan of its tuples, one after the other, <paramref name="pairs"/> times.</summary>
    private static async Task<NmapComparison> CompareWithNmapAsync(LiveMatrix live, RuleSets.RuleSet ruleSet, int pairs, CancellationToken ct)
    {
        var cases = live.Plan(ruleSet);
        await live.ApplyAsync(ruleSet, ct);
        var rules = (await live.ReadRulesAsync(ct)).Rules;
        var (harness, nmap) = (new List<double>(), new List<double>());
        for (var pair = 0; pair < pairs; pair++)
        {
            var clock = Stopwatch.StartNew();
            await live.ProbeAsync(cases, rules, ct);
            harness.Add(clock.Elapsed.TotalMilliseconds);
            nmap.Add((await NmapScan.RunAsync(live.Topology, cases, ct)).Took.TotalMilliseconds);
        }

        return new NmapComparison(ruleSet.Name, cases.Count, harness, nmap);
    }

    /// <summary>The machine's load average (1, 5, 15 minutes) as the kernel states it, for the figures' context; null where there is none.</summary>
    private static string? LoadAverage()
    {
        try
        {
            var fields = File.ReadAllText("/proc/loadavg").Split(' ');
            return string.Join(' ', fields.Take(3).Select(f => double.Parse(f, CultureInfo.InvariantCulture).ToString("0.00", CultureInfo.InvariantCulture)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}
