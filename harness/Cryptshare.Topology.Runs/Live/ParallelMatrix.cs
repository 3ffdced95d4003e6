using Cryptshare.Topology.Fixtures.Progress;
using Cryptshare.Topology.Reports;
using Cryptshare.Topology.RuleSets;

namespace Cryptshare.Topology.Runs.Live;

/// <summary>
/// <c>run --parallel K</c>: the rule sets of one run spread over K topologies of the same address plan
/// at once, each on engine-side networks of its own, each running its share as one topology runs them
/// all (<see cref="LiveMatrix.RunAsync"/>: routing proven before every repetition, the rule sets in
/// order, repeated). The parts are merged into one report in the order the rule sets were given, as if
/// one topology had run them: a rule set's flakiness compares its own repetitions, on one topology.
/// </summary>
internal static class ParallelMatrix
{
    /// <summary>
    /// Rule set i goes to topology i mod K: each topology gets a share of equal size (±1) in the
    /// given order. Never more topologies than rule sets.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<RuleSet>> Spread(IReadOnlyList<RuleSet> ruleSets, int topologies)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(topologies, 1);
        var count = Math.Min(topologies, ruleSets.Count);
        return Enumerable.Range(0, count).Select(t => (IReadOnlyList<RuleSet>)ruleSets.Where((_, i) => i % count == t).ToList()).ToList();
    }

    /// <summary>
    /// Starts one topology per share and runs it; the first failure cancels the others and is what
    /// this throws. A part cut short (a host or the engine failed, a signal) keeps what it measured:
    /// then every part's measurements are merged into one <see cref="MatrixCutShortException"/> whose
    /// cause is the first part that stopped for itself, not one stopped because a sibling failed.
    /// Every topology that came up is added to <paramref name="started"/> as soon as it is up, so
    /// the caller removes (or keeps) it whatever happens.
    /// </summary>
    public static async Task<MatrixRun> RunAsync(
        MatrixInputs inputs, int parallel, int repeats, List<LiveMatrix> started, IProgress<PhaseProgress>? progress, CancellationToken ct)
    {
        var shares = Spread(inputs.RuleSets, parallel);
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var parts = shares.Select((share, i) => RunShareAsync(inputs, share, repeats, started, Prefixed(progress, i, shares.Count), failed)).ToList();
        try
        {
            return Merge(inputs.RuleSets, await Task.WhenAll(parts));
        }
        catch when (parts.Count > 1 && CutShort(inputs.RuleSets, parts) is { } cut)
        {
            throw cut;
        }
        catch when (parts.FirstOrDefault(p => p.IsFaulted && p.Exception!.InnerException is not OperationCanceledException) is { } first && !ct.IsCancellationRequested)
        {
            // Task.WhenAll rethrows the first task's exception in list order: the cause is the first that failed for itself.
            throw first.Exception!.InnerException!;
        }
    }

    /// <summary>
    /// When a part was cut short and none failed in another way: every part's measurements (finished
    /// or cut short) as one cut-short run.
    /// </summary>
    private static MatrixCutShortException? CutShort(IReadOnlyList<RuleSet> order, IReadOnlyList<Task<MatrixRun>> parts)
    {
        var cuts = parts.Where(p => p.IsFaulted).Select(p => p.Exception!.InnerException).ToList();
        if (cuts.Count == 0 || cuts.Any(e => e is not MatrixCutShortException))
        {
            return null;
        }

        var shortened = cuts.Cast<MatrixCutShortException>().ToList();
        var cause = shortened.FirstOrDefault(c => c.InnerException is not OperationCanceledException) ?? shortened[0];
        var measured = parts.Select(p => p.IsCompletedSuccessfully ? p.Result : ((MatrixCutShortException)p.Exception!.InnerException!).Partial).ToList();
        var merged = Merge(order, measured);
        var incomplete = MergeIncomplete(cause.Partial.Report.Incomplete, shortened.Select(c => c.Partial.Report.Incomplete));
        return new MatrixCutShortException(merged with { Report = merged.Report with { Incomplete = incomplete } }, cause.InnerException!);
    }

    /// <summary>The cause's account, with every part's failed hosts, flows not tested and rule sets not run.</summary>
    private static IncompleteRun? MergeIncomplete(IncompleteRun? cause, IEnumerable<IncompleteRun?> all)
    {
        var parts = all.OfType<IncompleteRun>().ToList();
        return cause is null
            ? null
            : cause with
            {
                RepetitionsDone = parts.Min(p => p.RepetitionsDone),
                RuleSetsNotRun = [.. parts.SelectMany(p => p.RuleSetsNotRun).Distinct()],
                HostFailures = [.. parts.SelectMany(p => p.HostFailures)],
                NotTested = parts.Any(p => p.NotTested is not null) ? [.. parts.SelectMany(p => p.NotTested ?? [])] : null,
            };
    }

    /// <summary>
    /// One report from the parts' reports: the rule sets in <paramref name="order"/>; the topology start
    /// and the matrix time of the slowest part (they ran at once); the flaky flows of every part.
    /// </summary>
    public static MatrixRun Merge(IReadOnlyList<RuleSet> order, IReadOnlyList<MatrixRun> parts)
    {
        if (parts.Count == 1)
        {
            return parts[0];
        }

        var position = order.Select((r, i) => (r.Name, i)).ToDictionary(x => x.Name, x => x.i);
        var reports = parts.Select(p => p.Report).ToList();
        var ruleSets = reports.SelectMany(r => r.RuleSets).OrderBy(r => position[r.Name]).ToList();
        var timings = new ReportTimings(reports.Max(r => r.Timings.TopologyUpMs), reports.Max(r => r.Timings.MatrixMs));
        var flaky = reports.All(r => r.Flaky is null)
            ? null
            : new FlakinessReport(
                reports.First(r => r.Flaky is not null).Flaky!.Repeats,
                reports.Max(r => r.Flaky?.MatrixMs ?? 0),
                [.. reports.SelectMany(r => r.Flaky?.Flows ?? []).OrderBy(f => position[f.RuleSet])]);
        // A finding's case is named "rule-set/flow/zone"; each part lists its findings in its rule sets' order.
        var findings = parts.SelectMany(p => p.Findings).OrderBy(f => position.GetValueOrDefault(f.Case.Split('/')[0], int.MaxValue)).ToList();
        return new MatrixRun(new MatrixReport(ruleSets, timings, flaky), findings);
    }

    private static async Task<MatrixRun> RunShareAsync(
        MatrixInputs inputs, IReadOnlyList<RuleSet> share, int repeats, List<LiveMatrix> started, IProgress<PhaseProgress>? progress, CancellationTokenSource failed)
    {
        try
        {
            var live = await LiveMatrix.StartAsync(inputs.Topology, inputs.Catalog, progress, failed.Token);
            lock (started)
            {
                started.Add(live);
            }

            progress?.Report(PhaseProgress.Notice($"topology {inputs.Topology.Name} up in {live.Topology.UpTime.TotalSeconds:0.0} s"));
            return await live.RunAsync(share, repeats, progress, failed.Token);
        }
        catch
        {
            await failed.CancelAsync();
            throw;
        }
    }

    /// <summary>With several topologies, each one's phases say which topology they are about (<c>[topology 2/3] routing: …</c>).</summary>
    private static IProgress<PhaseProgress>? Prefixed(IProgress<PhaseProgress>? progress, int index, int count) =>
        progress is null || count == 1 ? progress : new TopologyProgress(progress, $"topology {index + 1}/{count}");

    private sealed class TopologyProgress(IProgress<PhaseProgress> inner, string topology) : IProgress<PhaseProgress>
    {
        public void Report(PhaseProgress value) => inner.Report(value with { Topology = topology });
    }
}
