using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Fixtures.Firewall;
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
/// for one rule set, <see cref="RunAsync"/> for every rule set, repeated, under watch: a host that
/// fails is named and its flows become <c>host-failed</c> while the others go on; a lost engine, a
/// failed firewall or a signal stop the run with what was measured so far
/// (<see cref="MatrixCutShortException"/>). The <c>run</c> verb (<see cref="RunPipeline"/>) and the
/// tests that drive the matrix call these, and nothing else writes the loop.
/// </summary>
public sealed class LiveMatrix : IAsyncDisposable
{
    private const int TraceReadAttempts = 10;

    private static readonly TimeSpan TraceReadPause = TimeSpan.FromMilliseconds(100);

    private readonly RunWatch _watch;

    /// <summary>nft that parses the translation of an iptables-save rule set for the oracle (made on first need).</summary>
    private NftRuleSetParser? _parser;

    private LiveMatrix(LiveTopology topology, EngineWatch engine)
    {
        Topology = topology;
        _watch = new RunWatch(topology, engine);
    }

    public LiveTopology Topology { get; }

    /// <summary>
    /// Whether a probe whose SYN or SYN-ACK the trace shows dropped ends at once (the default), or
    /// every drop waits out the connect timeout (the way to check that both give the same verdicts).
    /// </summary>
    public bool DropsFromTrace { get; set; } = true;

    public TopologyDefinition Definition => Topology.Definition;

    public FlowCatalog Catalog => Topology.Context.Catalog;

    /// <summary>
    /// Step: start the topology (beside any others on this engine, on engine-side networks of its
    /// own). When no block of the engine-side pool is left, the error says which runs hold the pool
    /// and how to remove them (<see cref="SubnetsHeldException"/>).
    /// </summary>
    public static async Task<LiveMatrix> StartAsync(TopologyDefinition topology, FlowCatalog catalog, IProgress<PhaseProgress>? progress = null, CancellationToken ct = default)
    {
        var engine = EngineWatch.Start(HarnessLabels.CurrentRun);
        try
        {
            return new LiveMatrix(await LiveTopology.StartAsync(topology, catalog, progress, ct), engine);
        }
        catch (EnginePoolExhaustedException e)
        {
            await engine.DisposeAsync();
            throw await SubnetConflict.ExplainAsync(e, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            var lost = await RunWatch.EngineFailureAsync(engine, e);
            await engine.DisposeAsync();
            if (lost is not null)
            {
                throw lost;
            }

            throw;
        }
        catch
        {
            await engine.DisposeAsync();
            throw;
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

    /// <summary>
    /// Step: the rules in force, read back from nft, and the oracle that predicts from them. An
    /// iptables-save file (the perimeter's or the server's) is in the kernel as iptables-restore
    /// made it, with matches nft lists as <c>xt</c>: the oracle reads its translation instead,
    /// parsed by nft as <c>analyze</c> parses it, and the kernel's rules are named as the
    /// translation's rules written on the same line of the file (<see cref="IptablesKernelRules"/>).
    /// </summary>
    public async Task<RulesInForce> ReadRulesAsync(CancellationToken ct = default)
    {
        var rules = await Topology.ReadRulesAsync(ct);
        if (Topology.Current is not { } ruleSet || (ruleSet.SavedText is null && ruleSet.HostFirewallSavedText is null))
        {
            return new RulesInForce(rules, MatrixOracle.For(Definition, rules.FirewallJson, rules.HostFirewallJson));
        }

        _parser ??= NftRuleSetParser.Best();
        var parsed = await _parser.ParseAsync(ruleSet, Definition, ct);
        var firewallJson = ruleSet.SavedText is null ? rules.FirewallJson : parsed.FirewallJson;
        var hostJson = ruleSet.HostFirewallSavedText is null || rules.HostFirewallJson is null ? rules.HostFirewallJson : parsed.HostFirewallJson;
        return new RulesInForce(rules, MatrixOracle.For(Definition, firewallJson, hostJson))
        {
            FirewallNames = ruleSet.SavedText is { } saved ? IptablesKernelRules.Of(saved, ruleSet.Text, rules.FirewallJson, parsed.FirewallJson) : null,
            HostNames = ruleSet.HostFirewallSavedText is { } hostSaved && rules.HostFirewallJson is { } hostKernel && parsed.HostFirewallJson is { } hostParsed
                ? IptablesKernelRules.Of(hostSaved, ruleSet.HostFirewall!, hostKernel, hostParsed)
                : null,
        };
    }

    /// <summary>Step: probe every case (one batch per source host, all sources at once); <paramref name="probed"/> hears each finished batch's size.</summary>
    public Task<IReadOnlyList<ProbeOutcome>> ProbeAsync(IReadOnlyList<ProbeCase> cases, CancellationToken ct = default, Action<int>? probed = null) => Topology.ProbeAsync(cases, ct, probed);

    /// <summary>Step: as the plain probe, with drops decided from the trace of the rules in force while <see cref="DropsFromTrace"/> holds.</summary>
    public Task<IReadOnlyList<ProbeOutcome>> ProbeAsync(IReadOnlyList<ProbeCase> cases, AppliedRules rules, CancellationToken ct = default, Action<int>? probed = null) =>
        DropsFromTrace ? Topology.ProbeAsync(cases, rules, ct, probed) : Topology.ProbeAsync(cases, ct, probed);

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
    /// <summary>The kernel's rules are named as the oracle names them where an iptables-save file was loaded (<see cref="RulesInForce.KernelName"/>).</summary>
    public static IReadOnlyList<AttributedOutcome> Attribute(IReadOnlyList<ProbeOutcome> outcomes, RulesInForce inForce, KernelAttribution kernel) =>
        outcomes.Select(o =>
        {
            var connection = MatrixOracle.ConnectionOf(o.Case);
            var decision = kernel.Attribute(connection, out var why);
            return new AttributedOutcome(o, inForce.Oracle.Predict(connection), decision is null ? null : decision with { Rule = inForce.KernelName(decision) }, why);
        }).ToList();

    /// <summary>One rule set: apply, plan, read the rules in force, probe, attribute; reported as one phase (swap, then probes done of total).</summary>
    public async Task<RuleSetRun> RunRuleSetAsync(RuleSet ruleSet, CancellationToken ct = default, IProgress<PhaseProgress>? progress = null)
    {
        var cases = Plan(ruleSet);
        var phase = PhaseTracker.Start(progress, Phase.RuleSet, ruleSet.Name, cases.Count, "swapping the rule set in");
        await ApplyAsync(ruleSet, ct);
        var inForce = await ReadRulesAsync(ct);
        phase.Note("probing");
        var outcomes = await ProbeAsync(cases, inForce.Rules, ct, batch => phase.Step(steps: batch));
        phase.Note("reading the kernel's trace");
        var kernel = await ReadTraceAsync(cases, inForce.Rules, ct);
        var run = new RuleSetRun(ruleSet, Attribute(outcomes, inForce, kernel));
        phase.Finish(Summary(run, cases.Count));
        return run;
    }

    /// <summary>What a rule set's phase says when it is over: how many flows, and whether they went as expected.</summary>
    private static string Summary(RuleSetRun run, int flows)
    {
        var differ = run.Flows.Count(f => f.Outcome.Observed.IsTested() && f.Outcome.Case.Expected is { } expected && expected != f.Outcome.Observed);
        var untested = run.Flows.Count(f => !f.Outcome.Observed.IsTested());
        return $"{flows} flows probed, {(differ == 0 ? "all as expected" : $"{differ} not as expected")}{(untested == 0 ? string.Empty : $", {untested} not tested (a host failed)")}";
    }

    /// <summary>
    /// Every rule set, <paramref name="repeats"/> times on this topology (routing proven before each
    /// repetition). The report is the first repetition's, as a single run gives it, with the
    /// <c>flaky</c> section from all of them when there is more than one. A host that fails is named
    /// and left out from then on: its flows are <c>host-failed</c> and the report's <c>incomplete</c>
    /// section says what happened. When the run cannot go on (a signal, the engine, the firewall, a
    /// failure of the harness), <see cref="MatrixCutShortException"/> carries what was measured.
    /// </summary>
    public async Task<MatrixRun> RunAsync(IReadOnlyList<RuleSet> ruleSets, int repeats, IProgress<PhaseProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        var done = new List<MatrixRun>(repeats);
        var current = new List<RuleSetRun>();
        var clock = Stopwatch.StartNew();
        string? where = null;
        var repetitions = repeats > 1 ? PhaseTracker.Start(progress, Phase.Repetition, "repetitions", repeats, $"repetition 1 of {repeats}") : null;
        try
        {
            for (var i = 1; i <= repeats; i++)
            {
                repetitions?.Note($"repetition {i} of {repeats}");

                current = [];
                where = repeats > 1 ? $"in repetition {i}, proving the routing" : "proving the routing";
                await ProveRoutingWatchedAsync(i, progress, ct);
                clock.Restart();
                foreach (var ruleSet in ruleSets)
                {
                    where = repeats > 1 ? $"in repetition {i}, rule set {ruleSet.Name}" : $"in rule set {ruleSet.Name}";
                    await FaultPoints.ReachedAsync($"rule-set:{i}:{ruleSet.Name}", ct);
                    current.Add(await RunRuleSetWatchedAsync(ruleSet, i, progress, ct));
                }

                done.Add(Repetition(current, clock.ElapsedMilliseconds));
                repetitions?.Step();
            }

            repetitions?.Finish($"repetition {repeats} of {repeats} done, on one topology");

            return Assemble(ruleSets, done, current, clock.ElapsedMilliseconds, repeats, null, null, ct);
        }
        catch (Exception e) when (e is not ArgumentException)
        {
            throw new MatrixCutShortException(Assemble(ruleSets, done, current, clock.ElapsedMilliseconds, repeats, e, where, ct), e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_parser is not null)
        {
            await _parser.DisposeAsync();
        }

        await _watch.DisposeAsync();
        await Topology.DisposeAsync();
    }

    private MatrixRun Repetition(IReadOnlyList<RuleSetRun> runs, long matrixMs) => new(
        new MatrixReport(runs.Select(r => r.Report()).ToList(), new ReportTimings((long)Topology.UpTime.TotalMilliseconds, matrixMs)),
        runs.SelectMany(r => r.Findings()).ToList());

    /// <summary>
    /// The run as reported: the first repetition that ran to its end (else what the cut one
    /// measured), the flaky section over the repetitions that ran to their end, and the incomplete
    /// section when a host failed or the run stopped.
    /// </summary>
    private MatrixRun Assemble(IReadOnlyList<RuleSet> ruleSets, IReadOnlyList<MatrixRun> done, IReadOnlyList<RuleSetRun> current, long currentMs, int repeats,
        Exception? stoppedBy, string? where, CancellationToken ct)
    {
        var first = done.Count > 0 ? done[0] : Repetition(current, currentMs);
        var report = first.Report;
        if (repeats > 1 && done.Count > 0)
        {
            report = report with { Flaky = Flakiness.Find(done.Select(r => r.Report).ToList()) };
        }

        var notRun = ruleSets.Select(r => r.Name).Except(report.RuleSets.Select(r => r.Name)).ToList();
        return first with { Report = report with { Incomplete = _watch.Incomplete(stoppedBy, where, done.Count, repeats, notRun, ct) } };
    }

    /// <summary>
    /// The routing proof, under watch: a check that fails or does not hold because a host failed
    /// names the host and is made again without it; otherwise no verdict could be believed.
    /// </summary>
    private async Task ProveRoutingWatchedAsync(int repetition, IProgress<PhaseProgress>? progress, CancellationToken ct)
    {
        var phase = PhaseTracker.Start(progress, Phase.Routing, "routing", 1, "proving with every forward path open");
        while (true)
        {
            RoutingProof? proof = null;
            Exception? failure = null;
            try
            {
                proof = await CheckRoutingAsync(ct);
                if (proof.Holds)
                {
                    phase.Finish($"proven: {proof.Checks.Count} control checks");
                    return;
                }
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                failure = e;
            }

            if (await _watch.EngineFailureAsync(failure) is { } lost)
            {
                throw lost;
            }

            if ((await _watch.LookAsync(_watch.Everyone, repetition, "routing proof", progress, ct)).Count == 0)
            {
                if (failure is not null)
                {
                    ExceptionDispatchInfo.Throw(failure);
                }

                throw new RoutingBrokenException(proof!);
            }
        }
    }

    /// <summary>
    /// One rule set under watch: the flows of hosts that failed before are not probed; after the
    /// probes, the destination of every flow that was not allowed has its readiness checked again,
    /// so a dead host's silence is never reported as the firewall's drop. A step that fails because a
    /// host failed names the host and runs the rule set again without it.
    /// </summary>
    private async Task<RuleSetRun> RunRuleSetWatchedAsync(RuleSet ruleSet, int repetition, IProgress<PhaseProgress>? progress, CancellationToken ct)
    {
        var cases = Plan(ruleSet);
        var phase = PhaseTracker.Start(progress, Phase.RuleSet, ruleSet.Name, cases.Count, "swapping the rule set in");
        while (true)
        {
            try
            {
                await ApplyAsync(ruleSet, ct);
                var inForce = await ReadRulesAsync(ct);
                var toProbe = cases.Where(c => _watch.Involved(c) is null).ToList();
                phase.Note("probing");
                var outcomes = await ProbeAsync(toProbe, inForce.Rules, ct, batch => phase.Step(steps: batch));
                phase.Note("reading the kernel's trace");
                var kernel = await ReadTraceAsync(toProbe, inForce.Rules, ct);
                var suspects = outcomes.Where(o => o.Observed != Verdict.Allowed).Select(o => o.Case.Destination.Name).ToHashSet();
                await _watch.LookAsync(suspects, repetition, ruleSet.Name, progress, ct);
                var observed = outcomes.ToDictionary(o => o.Case, o => o, (IEqualityComparer<ProbeCase>)ReferenceEqualityComparer.Instance);
                var all = cases.Select(c => _watch.Involved(c) is { } failed ? _watch.NotTested(c, failed, repetition, ruleSet.Name) : observed[c]).ToList();
                var run = new RuleSetRun(ruleSet, Attribute(all, inForce, kernel));
                phase.Finish(Summary(run, cases.Count));
                return run;
            }
            catch (Exception e) when (!ct.IsCancellationRequested && e is not (EngineFailedException or FirewallFailedException))
            {
                if (await _watch.EngineFailureAsync(e) is { } lost)
                {
                    throw lost;
                }

                if ((await _watch.LookAsync(_watch.Everyone, repetition, ruleSet.Name, progress, ct)).Count == 0)
                {
                    throw;
                }

                progress?.Report(PhaseProgress.Notice($"rule set {ruleSet.Name} again, without the failed host"));
                phase.Note("again, without the failed host");
            }
        }
    }
}

/// <summary>
/// The rules in force as nft's JSON, and the oracle that predicts from them; where an iptables-save
/// file was loaded by iptables-restore, how the kernel's rules are named as the oracle names them.
/// </summary>
public sealed record RulesInForce(AppliedRules Rules, MatrixOracle Oracle)
{
    public IptablesKernelRules? FirewallNames { get; init; }

    public IptablesKernelRules? HostNames { get; init; }

    /// <summary>The rule the kernel applied, as the oracle names it (the translation's rule on the same line of the file).</summary>
    public RuleReference? KernelName(KernelDecision decision) =>
        (decision.Hop == Hops.Host ? HostNames : FirewallNames) is { } names ? names.Name(decision.Rule) : decision.Rule;
}

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
