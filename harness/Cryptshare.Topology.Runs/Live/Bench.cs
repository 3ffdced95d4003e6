using System.Diagnostics;
using System.Globalization;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Fixtures.Topology;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.Oracle.Kernel;

namespace Cryptshare.Topology.Runs.Live;

/// <summary>The speed figures of the live harness (milliseconds), measured side by side on one machine in one invocation.</summary>
public sealed record BenchFigures(
    IReadOnlyList<double> ColdStartMs,
    IReadOnlyList<double> SwapMs,
    IReadOnlyList<double> MatrixMs,
    IReadOnlyList<double> SwapAndMatrixMs,
    IReadOnlyList<RuleSetTiming> RuleSets,
    IReadOnlyList<double> WarmDocumentedMs,
    IReadOnlyList<SlowProbe> SlowestWarmProbes,
    int DocumentedCases,
    double BatchedMs,
    double OneByOneMs,
    int Probes,
    IReadOnlyList<NmapComparison> Nmap,
    string? LoadAverage)
{
    /// <summary>Cold start with cached images: the median of the starts.</summary>
    public double TopologyUpMs => Medians.Of(ColdStartMs);

    /// <summary>Harness over nmap on every compared rule set together: the sum of the harness's medians over the sum of nmap's.</summary>
    public double? OverallRatio => Nmap.Count == 0 ? null : Nmap.Sum(n => n.HarnessMedianMs) / Nmap.Sum(n => n.NmapMedianMs);
}

/// <summary>
/// One library rule set's swap (load, host firewall, trace, rules read back) and matrix times over the
/// warm rounds, its matrix in the first round (each source's first use of a protocol since the start
/// is in it), and the slowest probe of its last round.
/// </summary>
public sealed record RuleSetTiming(string RuleSet, int Flows, double FirstMatrixMs, IReadOnlyList<double> SwapMs, IReadOnlyList<double> MatrixMs, string? TimeoutOnly, SlowProbe? Slowest)
{
    public double MatrixMedianMs => Medians.Of(MatrixMs);

    public double SwapMedianMs => Medians.Of(SwapMs);
}

/// <summary>A probe of the last warm documented matrix, with where its time went: what bench shows of the slowest.</summary>
public sealed record SlowProbe(string Flow, string From, string To, int Port, string Verdict, long ElapsedMs, long? ConnectMs, long? ExchangeMs);

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
/// The <c>bench</c> use-case: the default topology started <c>starts</c> times from cached images
/// (each removed before the next; the last one stays for the rest); then a first round over the
/// rule-set library (reported apart: each agent's first use of a protocol is in it) and, for some
/// warm rounds, the rule-set swap alone (the load and the rules read back, which drops from the
/// trace need), the full matrix, and both, per rule set; then the warm swap to the documented rule
/// set plus its matrix, from another rule set each time; then the documented matrix batched (one
/// batch per source) and one batch per probe, one after another, as a home-made script would run
/// it; then, per compared rule set, <c>pairs</c> paired runs of the harness's matrix and of nmap
/// over the same tuples (<see cref="NmapScan"/>).
/// </summary>
public static class Bench
{
    /// <summary>The rule sets compared with nmap unless told otherwise: the documented one and the two restrictive ones of the targets.</summary>
    public static readonly IReadOnlyList<string> DefaultNmapRuleSets = ["01-documented", "02-default-deny-but-ui", "08-missing-established"];

    /// <summary>How many warm swaps to the documented rule set are timed (a median needs an odd count to be a sample).</summary>
    private const int WarmSwaps = 5;

    /// <summary>How many of the last warm documented matrix's probes bench names, slowest first.</summary>
    private const int SlowestShown = 6;

    public static async Task<BenchFigures> RunAsync(MatrixInputs inputs, int starts, int rounds, int pairs, IReadOnlyList<string> nmapRuleSets, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(starts, 1);
        Engine.Require();
        try
        {
            var coldStarts = new List<double>();
            for (var start = 1; start < starts; start++)
            {
                await using var once = await LiveMatrix.StartAsync(inputs.Topology, inputs.Catalog, null, ct);
                coldStarts.Add(once.Topology.UpTime.TotalMilliseconds);
            }

            await using var live = await LiveMatrix.StartAsync(inputs.Topology, inputs.Catalog, null, ct);
            coldStarts.Add(live.Topology.UpTime.TotalMilliseconds);
            await live.ProveRoutingAsync(ct);
            var (swaps, matrices, swapAndMatrix) = (new List<double>(), new List<double>(), new List<double>());
            var perRuleSet = inputs.RuleSets.ToDictionary(r => r.Name, _ => (Swap: new List<double>(), Matrix: new List<double>()));
            var firstRound = new Dictionary<string, double>();
            var slowest = new Dictionary<string, SlowProbe?>();
            var timeoutOnly = new Dictionary<string, string?>();
            var probes = 0;

            // Round 0 is the first round after the start: the agents' first exchanges of each
            // protocol are in it (JIT, the libraries' first use). It is reported on its own; the
            // medians are of the warm rounds after it.
            for (var round = 0; round <= rounds; round++)
            {
                foreach (var ruleSet in inputs.RuleSets)
                {
                    var cases = live.Plan(ruleSet);
                    var total = Stopwatch.StartNew();
                    await live.ApplyAsync(ruleSet, ct);
                    var rules = (await live.ReadRulesAsync(ct)).Rules;
                    var swapMs = total.Elapsed.TotalMilliseconds;
                    var matrix = Stopwatch.StartNew();
                    var outcomes = await live.ProbeAsync(cases, rules, ct);
                    var matrixMs = matrix.Elapsed.TotalMilliseconds;
                    probes += outcomes.Count;
                    if (round == 0)
                    {
                        firstRound[ruleSet.Name] = matrixMs;
                        continue;
                    }

                    swaps.Add(swapMs);
                    matrices.Add(matrixMs);
                    swapAndMatrix.Add(total.Elapsed.TotalMilliseconds);
                    perRuleSet[ruleSet.Name].Swap.Add(swapMs);
                    perRuleSet[ruleSet.Name].Matrix.Add(matrixMs);
                    slowest[ruleSet.Name] = Slowest(outcomes, 1).FirstOrDefault();
                    timeoutOnly[ruleSet.Name] = DropEvidence.Unusable(rules.FirewallJson, rules.HostFirewallJson);
                }
            }

            var documented = inputs.RuleSets[0];
            var documentedCases = live.Plan(documented);
            var other = inputs.RuleSets.Count > 1 ? inputs.RuleSets[1] : null;
            var warm = new List<double>();
            IReadOnlyList<ProbeOutcome> lastWarm = [];
            for (var swap = 0; swap < WarmSwaps; swap++)
            {
                if (other is not null)
                {
                    await live.ApplyAsync(other, ct);
                }

                var clock = Stopwatch.StartNew();
                await live.ApplyAsync(documented, ct);
                var rules = (await live.ReadRulesAsync(ct)).Rules;
                lastWarm = await live.ProbeAsync(documentedCases, rules, ct);
                warm.Add(clock.Elapsed.TotalMilliseconds);
            }

            var documentedRules = (await live.ReadRulesAsync(ct)).Rules;
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
            foreach (var ruleSet in inputs.RuleSets.Where(r => pairs > 0 && nmapRuleSets.Contains(r.Name)))
            {
                comparisons.Add(await CompareWithNmapAsync(live, ruleSet, pairs, ct));
            }

            return new BenchFigures(coldStarts, swaps, matrices, swapAndMatrix,
                inputs.RuleSets.Select(r => new RuleSetTiming(r.Name, live.Plan(r).Count, firstRound[r.Name], perRuleSet[r.Name].Swap, perRuleSet[r.Name].Matrix,
                    timeoutOnly.GetValueOrDefault(r.Name), slowest.GetValueOrDefault(r.Name))).ToList(),
                warm, Slowest(lastWarm, SlowestShown), documentedCases.Count, batchedMs, oneByOneMs, probes, comparisons, LoadAverage());
        }
        finally
        {
            await HarnessJanitor.RemoveAsync(HarnessLabels.CurrentRun, CancellationToken.None);
        }
    }

    private static IReadOnlyList<SlowProbe> Slowest(IReadOnlyList<ProbeOutcome> outcomes, int count) =>
        outcomes.OrderByDescending(o => o.ElapsedMs).Take(count)
            .Select(o => new SlowProbe(o.Case.Flow.Id, o.Case.Source.Name, o.Case.Destination.Name, o.Case.Port, o.Observed.ToWord(), o.ElapsedMs, o.ConnectMs, o.ExchangeMs))
            .ToList();

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
