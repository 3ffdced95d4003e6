using System.Diagnostics;
using Cryptshare.Topology.Fixtures.Topology;
using Cryptshare.Topology.Flows;
using Cryptshare.Topology.Reports;

namespace Cryptshare.Topology.Cli.Matrix;

/// <summary>Runs the matrix of every rule set on one live topology and collects the report.</summary>
internal static class MatrixRunner
{
    public static async Task<MatrixReport> RunAsync(LiveTopology topology, MatrixInputs inputs, IProgress<string>? progress, CancellationToken ct)
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
        foreach (var ruleSet in inputs.RuleSets)
        {
            progress?.Report($"rule set {ruleSet.Name}");
            await topology.ApplyAsync(ruleSet, ct);
            var cases = MatrixPlanner.Plan(inputs.Topology, inputs.Catalog, ruleSet);
            var outcomes = await topology.ProbeAsync(cases, ct);
            reports.Add(new RuleSetReport(ruleSet.Name, ruleSet.Sha256, outcomes.Select(ToFlowReport).ToList()));
        }

        return new MatrixReport(reports, new ReportTimings((long)topology.UpTime.TotalMilliseconds, clock.ElapsedMilliseconds));
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
