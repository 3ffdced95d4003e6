using Cryptshare.Topology.Model;

namespace Cryptshare.Topology.Reports;

/// <summary>
/// The <c>flaky</c> section of report.json: the same matrix ran <see cref="Repeats"/> times on one
/// topology, and <see cref="Flows"/> lists every flow whose observed verdict was not the same every
/// time (empty when none varied). <see cref="MatrixMs"/> is the time of all repetitions together.
/// </summary>
public sealed record FlakinessReport(int Repeats, long MatrixMs, IReadOnlyList<FlakyFlow> Flows)
{
    public bool AnyFlaky => Flows.Count > 0;
}

/// <summary>
/// One flow (rule set, flow id, source zone) whose verdict varied between repetitions, with how often
/// each verdict was observed, most frequent first.
/// </summary>
public sealed record FlakyFlow(
    string RuleSet,
    string Id,
    string From,
    string To,
    int Port,
    Verdict? Expected,
    IReadOnlyList<VerdictCount> Counts);

public sealed record VerdictCount(Verdict Verdict, int Count);

/// <summary>Compares repetitions of one matrix, flow by flow.</summary>
public static class Flakiness
{
    /// <summary>
    /// The flows whose observed verdict differs between <paramref name="repetitions"/> (reports of
    /// the same rule sets on the same topology), in the order of the first repetition. A flow that
    /// some repetition did not probe at all is a harness fault, not flakiness, and throws. A flow
    /// whose host failed (<see cref="Verdict.HostFailed"/>) in some repetitions is compared over
    /// the others only: a dead host is reported as such, never as a flaky flow.
    /// </summary>
    public static FlakinessReport Find(IReadOnlyList<MatrixReport> repetitions)
    {
        ArgumentOutOfRangeException.ThrowIfZero(repetitions.Count);
        var observed = repetitions
            .SelectMany(r => r.RuleSets.SelectMany(s => s.Flows.Select(f => (Key: (s.Name, f.Id, f.From), f.Observed))))
            .ToLookup(o => o.Key, o => o.Observed);
        var flaky = new List<FlakyFlow>();
        foreach (var ruleSet in repetitions[0].RuleSets)
        {
            foreach (var flow in ruleSet.Flows)
            {
                var verdicts = observed[(ruleSet.Name, flow.Id, flow.From)].ToList();
                if (verdicts.Count != repetitions.Count)
                {
                    throw new InvalidOperationException(
                        $"{ruleSet.Name}: flow {flow.Id} from {flow.From} was probed {verdicts.Count} times in {repetitions.Count} repetitions");
                }

                var tested = verdicts.Where(v => v.IsTested()).ToList();
                if (tested.Distinct().Count() > 1)
                {
                    var counts = tested.GroupBy(v => v)
                        .Select(g => new VerdictCount(g.Key, g.Count()))
                        .OrderByDescending(c => c.Count)
                        .ThenBy(c => c.Verdict)
                        .ToList();
                    flaky.Add(new FlakyFlow(ruleSet.Name, flow.Id, flow.From, flow.To, flow.Port, flow.Expected, counts));
                }
            }
        }

        return new FlakinessReport(repetitions.Count, repetitions.Sum(r => r.Timings.MatrixMs), flaky);
    }
}
