using Cryptshare.Topology.Fixtures.Engine;
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
/// </summary>
public sealed record RunResult(MatrixReport Report, IReadOnlyList<MatrixFinding> Findings, Judgement Judgement, IReadOnlyList<string> Written, string? LeftRunning);

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
    /// <see cref="RunOptions.Keep"/> asked to keep a topology that came up.
    /// </summary>
    public static async Task<RunResult> RunAsync(MatrixInputs inputs, RunOptions options, IProgress<string>? progress, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Repeats, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Repeats, RunOptions.MaxRepeats);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Parallel, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Parallel, RunOptions.MaxParallel);
        var started = new List<LiveMatrix>();
        try
        {
            // A shard may hold none of the rule sets: then nothing starts, and the report says so by being empty.
            var run = inputs.RuleSets.Count == 0
                ? new MatrixRun(new MatrixReport([], new ReportTimings(0, 0)), [])
                : await ParallelMatrix.RunAsync(inputs, options.Parallel, options.Repeats, started, progress, ct);
            var (report, judgement) = JudgeMatrix(run.Report, inputs, await ParsedJson.ParseAsync(inputs, ct));
            var written = ReportFolder.Write(options.OutputFolder, report, inputs.Topology);
            return new RunResult(report, run.Findings, judgement, written, options.Keep && started.Count > 0 ? HarnessLabels.CurrentRun : null);
        }
        finally
        {
            // --keep keeps what came up, also when the run failed afterwards (to look at it by hand).
            if (!options.Keep || started.Count == 0)
            {
                await Task.WhenAll(started.Select(live => live.DisposeAsync().AsTask()));

                // The label sweep also takes what a failed start left (and the preflight's container).
                await HarnessJanitor.RemoveAsync(HarnessLabels.CurrentRun, CancellationToken.None);
            }
        }
    }

    /// <summary>Step: the diagnosis from the observed verdicts, attached to each rule set, and the judgement of the whole.</summary>
    public static (MatrixReport Report, Judgement Judgement) JudgeMatrix(MatrixReport report, MatrixInputs inputs, IReadOnlyDictionary<string, RuleSetJson>? parsed = null)
    {
        var diagnosed = Diagnostician.Attach(report, inputs.Catalog, inputs.Topology, inputs.RuleSets, parsed);
        return (diagnosed, Judge.Live(diagnosed));
    }
}
