using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Fixtures.Progress;
using Cryptshare.Topology.Reports;
using Cryptshare.Topology.RuleSets;

namespace Cryptshare.Topology.Runs.Live;

/// <summary>
/// What <c>run</c> was asked for: where the reports go, how many repetitions, whether the topology
/// stays up, on how many topologies at once the rule sets are spread (<see cref="ParallelMatrix"/>).
/// </summary>
public sealed record RunOptions(string OutputFolder, int Repeats = 1, bool Keep = false, int Parallel = 1)
{
    public const int MaxRepeats = 1000;

    /// <summary>Topologies at once; each is about ten containers (see README: what a machine holds).</summary>
    public const int MaxParallel = 32;
}

/// <summary>
/// A finished <c>run</c>: the report (diagnosis attached) as written, where the oracle and the
/// kernel part, the judgement, the files written, and the run id when the topology was left up.
/// A run that stopped before its end (a signal, the engine, the firewall, a failure of the harness)
/// still has its reports, marked incomplete; <see cref="Stopped"/> is then what stopped it.
/// </summary>
public sealed record RunResult(
    MatrixReport Report,
    IReadOnlyList<MatrixFinding> Findings,
    Judgement Judgement,
    IReadOnlyList<string> Written,
    string? LeftRunning,
    Exception? Stopped = null)
{
    /// <summary>How many flows of each rule set the oracle predicted: "oracle and kernel agree" holds only over those.</summary>
    public IReadOnlyList<PredictionCoverage> Coverage { get; init; } = [];
}

/// <summary>
/// The <c>run</c> use-case: take this job's share of the rule sets (<see cref="RuleSetShard"/>), prepare
/// (an engine, every rule set checked by the firewall's nft, iptables-save translated), start the
/// topology (or K at once, <see cref="ParallelMatrix"/>), prove its routing, run every rule set
/// (apply, plan, probe, attribute, predict; see <see cref="LiveMatrix"/>), judge (<see cref="Judge"/>),
/// write the reports, tear down.
/// </summary>
public static class RunPipeline
{
    /// <summary>Step: this job's share of the rule sets, by name (all of them without a shard).</summary>
    public static MatrixInputs TakeShare(MatrixInputs inputs, RuleSetShard? shard) =>
        shard is null ? inputs : inputs with { RuleSets = shard.Select(inputs.RuleSets) };

    /// <summary>Step: an engine, and the rule sets as the firewall will load them (bad ones are bad input, before anything starts).</summary>
    public static Task<MatrixInputs> PrepareAsync(MatrixInputs inputs, Action<string> warn, CancellationToken ct)
    {
        Engine.Require();
        return inputs.PreflightAsync(warn, ct);
    }

    /// <summary>
    /// Runs the prepared inputs. Whatever happens, what this run started is removed unless
    /// <see cref="RunOptions.Keep"/> asked to keep a topology that came up and ran to its end. Once
    /// the matrix has begun, its reports are written whatever stops it, with what was measured.
    /// </summary>
    public static async Task<RunResult> RunAsync(MatrixInputs inputs, RunOptions options, IProgress<PhaseProgress>? progress, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Repeats, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Repeats, RunOptions.MaxRepeats);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Parallel, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Parallel, RunOptions.MaxParallel);
        var started = new List<LiveMatrix>();
        Exception? stopped = null;
        try
        {
            MatrixRun run;
            try
            {
                // A shard may hold none of the rule sets: then nothing starts, and the report says so by being empty.
                run = inputs.RuleSets.Count == 0
                    ? new MatrixRun(new MatrixReport([], new ReportTimings(0, 0)), [])
                    : await ParallelMatrix.RunAsync(inputs, options.Parallel, options.Repeats, started, progress, ct);
            }
            catch (MatrixCutShortException cut)
            {
                (run, stopped) = (cut.Partial, cut.InnerException!);
            }

            IReadOnlyDictionary<string, RuleSetJson>? parsed = null;
            if (stopped is null)
            {
                try
                {
                    parsed = await ParsedJson.ParseAsync(inputs, ct);
                }
                catch (OperationCanceledException signal) when (ct.IsCancellationRequested)
                {
                    // The matrix ran to its end: its reports are written all the same (the diagnosis
                    // then goes without nft's compiled rule set), and the signal still ends the verb.
                    stopped = signal;
                }
            }

            var reports = PhaseTracker.Start(progress, Phase.Reports, "reports", 2, "diagnosis");
            var (report, judgement) = JudgeMatrix(run.Report, inputs, parsed);
            reports.Step("writing");
            var written = ReportFolder.Write(options.OutputFolder, report, inputs.Topology);
            reports.Finish($"written to {options.OutputFolder}");
            return new RunResult(report, run.Findings, judgement, written, options.Keep && started.Count > 0 && stopped is null ? HarnessLabels.CurrentRun : null, stopped)
            {
                Coverage = parsed is null ? [] : PredictionCoverage.Of(report, inputs.Catalog, inputs.Topology, inputs.RuleSets, parsed),
            };
        }
        finally
        {
            // --keep keeps what came up and ran to its end (to look at it by hand); a stopped run is removed.
            if (started.Count == 0 || !options.Keep || stopped is not null)
            {
                var notRemoved = await RemoveAsync(started);
                if (notRemoved is not null)
                {
                    progress?.Report(PhaseProgress.Notice(notRemoved));
                }
            }
        }
    }

    /// <summary>
    /// Removes what this run started: the topology, then a label sweep that also takes what a failed
    /// start left (and the preflight's container). When the engine does not answer, says what to do
    /// once it does instead of failing over it.
    /// </summary>
    private static async Task<string?> RemoveAsync(IReadOnlyList<LiveMatrix> started)
    {
        await Task.WhenAll(started.Select(live => live.DisposeAsync().AsTask()));

        try
        {
            await HarnessJanitor.RemoveAsync(HarnessLabels.CurrentRun, CancellationToken.None);
            return null;
        }
        catch (Exception)
        {
            return $"what this run started could not be removed: the Docker engine does not answer. Once it answers: cryptshare-topology clean --run {HarnessLabels.CurrentRun}";
        }
    }

    /// <summary>Step: the diagnosis from the observed verdicts, attached to each rule set, and the judgement of the whole.</summary>
    public static (MatrixReport Report, Judgement Judgement) JudgeMatrix(MatrixReport report, MatrixInputs inputs, IReadOnlyDictionary<string, RuleSetJson>? parsed = null)
    {
        var diagnosed = Diagnostician.Attach(report, inputs.Catalog, inputs.Topology, inputs.RuleSets, parsed);
        return (diagnosed, Judge.Live(diagnosed));
    }
}
