using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Fixtures.Progress;
using Cryptshare.Topology.Reports;
using Cryptshare.Topology.RuleSets;

namespace Cryptshare.Topology.Runs.Live;

/// <summary>What <c>run</c> was asked for: where the reports go, how many repetitions, whether the topology stays up.</summary>
public sealed record RunOptions(string OutputFolder, int Repeats = 1, bool Keep = false)
{
    public const int MaxRepeats = 1000;
}

/// <summary>
/// A finished <c>run</c>: the report (diagnosis attached) as written, where the oracle and the
/// kernel part, the judgement, the files written, and the run id when the topology was left up.
/// </summary>
public sealed record RunResult(MatrixReport Report, IReadOnlyList<MatrixFinding> Findings, Judgement Judgement, IReadOnlyList<string> Written, string? LeftRunning);

/// <summary>
/// The <c>run</c> use-case: prepare (an engine, every rule set checked by the firewall's nft,
/// iptables-save translated), start the topology, prove its routing, run every rule set (apply,
/// plan, probe, attribute, predict; see <see cref="LiveMatrix"/>), judge (<see cref="Judge"/>),
/// write the reports, tear down.
/// </summary>
public static class RunPipeline
{
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
    public static async Task<RunResult> RunAsync(MatrixInputs inputs, RunOptions options, IProgress<PhaseProgress>? progress, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Repeats, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Repeats, RunOptions.MaxRepeats);
        LiveMatrix? live = null;
        try
        {
            live = await LiveMatrix.StartAsync(inputs.Topology, inputs.Catalog, progress, ct);
            var run = await live.RunAsync(inputs.RuleSets, options.Repeats, progress, ct);
            var reports = PhaseTracker.Start(progress, Phase.Reports, "reports", 2, "diagnosis");
            var (report, judgement) = JudgeMatrix(run.Report, inputs, await ParsedJson.ParseAsync(inputs, ct));
            reports.Step("writing");
            var written = ReportFolder.Write(options.OutputFolder, report, inputs.Topology);
            reports.Finish($"written to {options.OutputFolder}");
            return new RunResult(report, run.Findings, judgement, written, options.Keep ? HarnessLabels.CurrentRun : null);
        }
        finally
        {
            if (live is null || !options.Keep)
            {
                if (live is not null)
                {
                    await live.DisposeAsync();
                }

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
