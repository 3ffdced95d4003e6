using Cryptshare.Topology.Model;

namespace Cryptshare.Topology.Reports;

/// <summary>
/// The numbers a rule set's summary shows: the HTML prints them and carries them as data- attributes.
/// A flow whose host failed is neither matched nor mismatched: it is in <see cref="ByVerdict"/> under
/// <see cref="Verdict.HostFailed"/> only.
/// </summary>
public sealed record ReportCounts(int Flows, int Matched, int Mismatched, IReadOnlyDictionary<Verdict, int> ByVerdict, int Diagnosis)
{
    public static ReportCounts Of(RuleSetReport ruleSet) => new(
        ruleSet.Flows.Count,
        ruleSet.Flows.Count(f => f.Observed.IsTested() && f.Matches),
        ruleSet.Flows.Count(f => f.Mismatched),
        Enum.GetValues<Verdict>().ToDictionary(v => v, v => ruleSet.Flows.Count(f => f.Observed == v)),
        ruleSet.Diagnosis?.Count ?? 0);

    public static ReportCounts Of(MatrixReport report)
    {
        var all = report.RuleSets.Select(Of).ToList();
        return new(
            all.Sum(c => c.Flows),
            all.Sum(c => c.Matched),
            all.Sum(c => c.Mismatched),
            Enum.GetValues<Verdict>().ToDictionary(v => v, v => all.Sum(c => c.ByVerdict[v])),
            all.Sum(c => c.Diagnosis));
    }
}
