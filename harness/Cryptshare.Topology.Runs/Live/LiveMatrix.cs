using System.Diagnostics;
using Cryptshare.Topology.Fixtures.Progress;
using Cryptshare.Topology.Fixtures.Topology;
using Cryptshare.Topology.Flows;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.Oracle;
using Cryptshare.Topology.Oracle.Kernel;
using Cryptshare.Topology.Oracle.Matrix;
using Cryptshare.Topology.Reports;
using Cryptshare.Topology.RuleSets;

namespace Cryptshare.Topology.Runs.Live;

/// <summary>
/// The steps of the live matrix on one started topology, each a unit of its own: start, prove
/// routing, apply a rule set, plan, read the rules in force (what the oracle predicts from), probe,
/// attribute (the kernel's trace names the deciding rule). <see cref="RunRuleSetAsync"/> chains them
/// for one rule set, <see cref="RunAsync"/> for every rule set, repeated. The <c>run</c> verb
/// (<see cref="RunPipeline"/>) and the tests that drive the matrix call these, and nothing else
/// writes the loop.
/// </summary>
public sealed class LiveMatrix : IAsyncDisposable
{
    private const int TraceReadAttempts = 10;

    private static readonly TimeSpan TraceReadPause = TimeSpan.FromMilliseconds(100);

    private LiveMatrix(LiveTopology topology) => Topology = topology;

    public LiveTopology Topology { get; }

    public TopologyDefinition Definition => Topology.Definition;

    public FlowCatalog Catalog => Topology.Context.Catalog;

    /// <summary>
    /// Step: start the topology. When another topology on this engine holds its subnets, the error
    /// says which run holds them and how to remove it (<see cref="SubnetsHeldException"/>).
    /// </summary>
    public static async Task<LiveMatrix> StartAsync(TopologyDefinition topology, FlowCatalog catalog, IProgress<PhaseProgress>? progress = null, CancellationToken ct = default)
    {
        try
        {
            return new LiveMatrix(await LiveTopology.StartAsync(topology, catalog, progress, ct));
        }
        catch (Exception e) when (SubnetConflict.IsOverlap(e))
        {
            throw await SubnetConflict.ExplainAsync(topology, ct);
        }
    }

    /// <summary>Step: prove the topology's own routing (every source reaches every other zone, nothing reaches outside). The checks, held or not.</summary>
    public async Task<RoutingProof> CheckRoutingAsync(CancellationToken ct = default) => new(await Topology.CheckRoutingAsync(ct));

    /// <summary>As <see cref="CheckRoutingAsync"/>, and no verdict is believed when it does not hold: <see cref="RoutingBrokenException"/>.</summary>
    public async Task<RoutingProof> ProveRoutingAsync(CancellationToken ct = default)
    {
        var proof = await CheckRoutingAsync(ct);
        return proof.Holds ? proof : throw new RoutingBrokenException(proof);
    }

    /// <summary>Step: load a rule set into the firewall (and the server's own firewall), one atomic transaction; the trace starts here.</summary>
    public Task ApplyAsync(RuleSet ruleSet, CancellationToken ct = default) => Topology.ApplyAsync(ruleSet, ct);

    /// <summary>Step: the probe cases of a rule set on this topology.</summary>
    public IReadOnlyList<ProbeCase> Plan(RuleSet ruleSet) => MatrixPlanner.Plan(Definition, Catalog, ruleSet);

    /// <summary>Step: the rules in force, read back from nft, and the oracle that predicts from them.</summary>
    public async Task<RulesInForce> ReadRulesAsync(CancellationToken ct = default)
    {
        var rules = await Topology.ReadRulesAsync(ct);
        return new RulesInForce(rules, MatrixOracle.For(Definition, rules.FirewallJson, rules.HostFirewallJson));
    }

    /// <summary>Step: probe every case (one batch per source host, all sources at once); <paramref name="probed"/> hears each finished batch's size.</summary>
    public Task<IReadOnlyList<ProbeOutcome>> ProbeAsync(IReadOnlyList<ProbeCase> cases, CancellationToken ct = default, Action<int>? probed = null) => Topology.ProbeAsync(cases, ct, probed);

    /// <summary>
    /// Step: what the kernel traced for these cases since the rule set was applied, read until every
    /// probe's SYN is in it (the monitor writes each event as it comes; under load the last SYNs may
    /// still be on their way into the file when the probes are done) or the attempts are used up.
    /// </summary>
    public async Task<KernelAttribution> ReadTraceAsync(IReadOnlyList<ProbeCase> cases, AppliedRules rules, CancellationToken ct = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            var trace = await Topology.ReadTraceAsync(ct);
            var kernel = new KernelAttribution(trace.Firewall, rules.FirewallJson, rules.HostAddress, trace.Host, rules.HostFirewallJson);
            if (attempt == TraceReadAttempts || cases.All(c => kernel.HasSyn(MatrixOracle.ConnectionOf(c))))
            {
                return kernel;
            }

            await Task.Delay(TraceReadPause, ct);
        }
    }

    /// <summary>Step: each observation with the oracle's prediction and the rule the kernel applied.</summary>
    public static IReadOnlyList<AttributedOutcome> Attribute(IReadOnlyList<ProbeOutcome> outcomes, MatrixOracle oracle, KernelAttribution kernel) =>
        outcomes.Select(o =>
        {
            var connection = MatrixOracle.ConnectionOf(o.Case);
            var decision = kernel.Attribute(connection, out var why);
            return new AttributedOutcome(o, oracle.Predict(connection), decision, why);
        }).ToList();

    /// <summary>One rule set: apply, plan, read the rules in force, probe, attribute; reported as one phase (swap, then probes done of total).</summary>
    public async Task<RuleSetRun> RunRuleSetAsync(RuleSet ruleSet, CancellationToken ct = default, IProgress<PhaseProgress>? progress = null)
    {
        var cases = Plan(ruleSet);
        var phase = PhaseTracker.Start(progress, Phase.RuleSet, ruleSet.Name, cases.Count, "swapping the rule set in");
        await ApplyAsync(ruleSet, ct);
        var inForce = await ReadRulesAsync(ct);
        phase.Note("probing");
        var outcomes = await ProbeAsync(cases, ct, batch => phase.Step(steps: batch));
        phase.Note("reading the kernel's trace");
        var kernel = await ReadTraceAsync(cases, inForce.Rules, ct);
        var run = new RuleSetRun(ruleSet, Attribute(outcomes, inForce.Oracle, kernel));
        var differ = run.Flows.Count(f => f.Outcome.Case.Expected is { } expected && expected != f.Outcome.Observed);
        phase.Finish($"{cases.Count} flows probed, {(differ == 0 ? "all as expected" : $"{differ} not as expected")}");
        return run;
    }

    /// <summary>
    /// Every rule set, <paramref name="repeats"/> times on this topology (routing proven before each
    /// repetition). The report is the first repetition's, as a single run gives it, with the
    /// <c>flaky</c> section from all of them when there is more than one.
    /// </summary>
    public async Task<MatrixRun> RunAsync(IReadOnlyList<RuleSet> ruleSets, int repeats, IProgress<PhaseProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        var repetitions = new List<MatrixRun>(repeats);
        var phase = repeats > 1 ? PhaseTracker.Start(progress, Phase.Repetition, "repetitions", repeats, $"repetition 1 of {repeats}") : null;
        for (var i = 1; i <= repeats; i++)
        {
            phase?.Note($"repetition {i} of {repeats}");
            repetitions.Add(await RunOnceAsync(ruleSets, progress, ct));
            phase?.Step();
        }

        phase?.Finish($"repetition {repeats} of {repeats} done, on one topology");

        var first = repetitions[0];
        return repeats == 1 ? first : first with { Report = first.Report with { Flaky = Flakiness.Find(repetitions.Select(r => r.Report).ToList()) } };
    }

    public ValueTask DisposeAsync() => Topology.DisposeAsync();

    private async Task<MatrixRun> RunOnceAsync(IReadOnlyList<RuleSet> ruleSets, IProgress<PhaseProgress>? progress, CancellationToken ct)
    {
        var routingPhase = PhaseTracker.Start(progress, Phase.Routing, "routing", 1, "proving with every forward path open");
        var routing = await ProveRoutingAsync(ct);
        routingPhase.Finish($"proven: {routing.Checks.Count} control checks");
        var clock = Stopwatch.StartNew();
        var runs = new List<RuleSetRun>();
        foreach (var ruleSet in ruleSets)
        {
            runs.Add(await RunRuleSetAsync(ruleSet, ct, progress));
        }

        var report = new MatrixReport(runs.Select(r => r.Report()).ToList(), new ReportTimings((long)Topology.UpTime.TotalMilliseconds, clock.ElapsedMilliseconds));
        return new MatrixRun(report, runs.SelectMany(r => r.Findings()).ToList());
    }
}

/// <summary>The rules in force as nft's JSON, and the oracle that predicts from them.</summary>
public sealed record RulesInForce(AppliedRules Rules, MatrixOracle Oracle);

/// <summary>
/// A probed case with the oracle's prediction and the kernel's decision (null when the trace has no
/// SYN of the probe; <see cref="KernelNote"/> says why).
/// </summary>
public sealed record AttributedOutcome(ProbeOutcome Outcome, MatrixPrediction Prediction, KernelDecision? Kernel, string KernelNote)
{
    /// <summary>The kernel applied the rule the oracle named.</summary>
    public bool RulesAgree => Kernel is not null && RuleReference.Same(Kernel.Rule, Prediction.Rule);
}

/// <summary>One rule set's probed, predicted and attributed flows.</summary>
public sealed record RuleSetRun(RuleSet RuleSet, IReadOnlyList<AttributedOutcome> Flows)
{
    public RuleSetReport Report() => new(RuleSet.Name, RuleSet.Sha256, Flows.Select(FlowReports.Of).ToList());

    public IEnumerable<MatrixFinding> Findings() => Flows.SelectMany(MatrixFinding.Of);
}

/// <summary>A matrix run: the report, and where the oracle and the kernel part (see <see cref="MatrixFinding"/>).</summary>
public sealed record MatrixRun(MatrixReport Report, IReadOnlyList<MatrixFinding> Findings);
