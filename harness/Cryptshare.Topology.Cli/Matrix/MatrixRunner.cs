using System.Diagnostics;
using Cryptshare.Topology.Fixtures.Topology;
using Cryptshare.Topology.Flows;
using Cryptshare.Topology.Reports;

namespace Cryptshare.Topology.Cli.Matrix;

/// <summary>A matrix run: the report, and where the oracle and the kernel part (see <see cref="MatrixFinding"/>).</summary>
internal sealed record MatrixRun(MatrixReport Report, IReadOnlyList<MatrixFinding> Findings);

/// <summary>
/// Runs the matrix of every rule set on one live topology and collects the report. Each flow gets
/// the oracle's prediction (from the rules in force, read back from nft) and the rule that decided
/// it, named by the kernel's trace; a rule set without an expectation file (a customer's) is
/// expected to do what the oracle predicts.
/// </summary>
internal static class MatrixRunner
{
    public static async Task<MatrixRun> RunAsync(LiveTopology topology, MatrixInputs inputs, IProgress<string>? progress, CancellationToken ct)
    {
        var routing = await topology.CheckRoutingAsync(ct);
        var broken = routing.Where(r => !r.Holds).ToList();
        if (broken.Count > 0)
        {
            throw new InvalidOperationException("the topology's own routing is broken, so no verdict could be believed:\n  " +
                string.Join("\n  ", broken.Select(b => $"{b.Source} → {b.Destination}: expected {b.Expected}, observed {b.Observed} ({b.Detail})")));
        }

        progress?.Report($"routing proven: {routing.Count} control checks");
        var clock = Stopwatch.StartNew();
        var reports = new List<RuleSetReport>();
        var findings = new List<MatrixFinding>();
        foreach (var ruleSet in inputs.RuleSets)
        {
            progress?.Report($"rule set {ruleSet.Name}");
            await topology.ApplyAsync(ruleSet, ct);
            var cases = MatrixPlanner.Plan(inputs.Topology, inputs.Catalog, ruleSet);
            var attributed = await topology.ProbeAttributedAsync(cases, ct);
            reports.Add(new RuleSetReport(ruleSet.Name, ruleSet.Sha256, attributed.Select(ToFlowReport).ToList()));
            findings.AddRange(attributed.SelectMany(MatrixFinding.Of));
        }

        return new MatrixRun(new MatrixReport(reports, new ReportTimings((long)topology.UpTime.TotalMilliseconds, clock.ElapsedMilliseconds)), findings);
    }

    /// <summary>
    /// The report line of a probed flow with the oracle's prediction and the deciding rule: the
    /// kernel's (from the trace) when it named one, else the oracle's. Without an expectation line
    /// the prediction is the expectation.
    /// </summary>
    public static FlowReport ToFlowReport(AttributedOutcome attributed)
    {
        var (outcome, prediction, kernel) = (attributed.Outcome, attributed.Prediction, attributed.Kernel);
        var rule = kernel is not null
            ? ReportedRule.From(kernel.Rule, kernel.Verdict, RuleSource.Kernel)
            : ReportedRule.From(prediction.Rule, prediction.RuleAction, RuleSource.Oracle);
        return ToFlowReport(outcome) with
        {
            Expected = outcome.Case.Expected ?? prediction.Verdict,
            Predicted = prediction.Verdict,
            DecidingRule = rule,
        };
    }

    public static FlowReport ToFlowReport(ProbeOutcome outcome) => new(
        outcome.Case.Flow.Id,
        outcome.Case.Source.Zone,
        outcome.Case.Destination.Name,
        outcome.Case.Port,
        outcome.Case.Expected,
        outcome.Observed,
        outcome.ElapsedMs,
        outcome.Detail,
        outcome.Case.Required,
        outcome.Case.Exposure);
}
