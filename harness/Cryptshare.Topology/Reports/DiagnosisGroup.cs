using Cryptshare.Topology.Model;

namespace Cryptshare.Topology.Reports;

/// <summary>
/// Diagnosis lines of one rule set that share a cause — the same severity, deciding rule and change
/// to make — said once with the flows listed (a rule set without a return rule blocks every required
/// flow by the same policy, with the same fix: one group, not one line per flow). A proven fix's
/// account of its check names the other flows it mends, so it differs from line to line; the group
/// keeps the change and says it was checked for each of its flows. report.json keeps one line per
/// flow; the console and report.html show the groups.
/// </summary>
public sealed record DiagnosisGroup(DiagnosisSeverity Severity, string Rule, string Fix, IReadOnlyList<DiagnosisLine> Lines)
{
    /// <summary>The groups of a rule set's diagnosis, in the order their first lines come.</summary>
    public static IReadOnlyList<DiagnosisGroup> Of(IEnumerable<DiagnosisLine> lines) =>
        lines.GroupBy(l => (l.Severity, l.Rule, Change: ChangeOf(l.Fix)))
            .Select(g => new DiagnosisGroup(g.Key.Severity, g.Key.Rule, g.Count() == 1 ? g.First().Fix : SharedFix(g.Key.Change, g.First().Fix), g.ToList()))
            .ToList();

    /// <summary>A fix without the account of its check (which names the flows other than the line's own).</summary>
    private static string ChangeOf(string fix)
    {
        var check = fix.LastIndexOf(FixAdvisor.CheckedMark, StringComparison.Ordinal);
        return check < 0 ? fix : fix[..check];
    }

    /// <summary>The change once, checked for every flow of the group; the flows it opens besides are the same for each line.</summary>
    private static string SharedFix(string change, string firstFix)
    {
        if (change.Length == firstFix.Length)
        {
            return change;
        }

        var opens = firstFix.IndexOf(FixAdvisor.AlsoOpensMark, change.Length, StringComparison.Ordinal);
        var besides = opens < 0 ? string.Empty : firstFix[opens..^1];
        return $"{change}{FixAdvisor.CheckedMark}with this change the oracle predicts each of these flows as required and no other flow changes{besides})";
    }

    /// <summary>
    /// The group's flows, short: a flow seen from several zones alike is named once with its zones
    /// (<c>ui-https from internet, intranet (port 443, dropped)</c>).
    /// </summary>
    public string Flows() => string.Join("; ", Lines
        .GroupBy(l => (l.FlowId, l.Port, l.Observed))
        .Select(g => $"{g.Key.FlowId} from {string.Join(", ", g.Select(l => l.From))} (port {g.Key.Port}, {g.Key.Observed.ToWord()})"));

    /// <summary>
    /// One line alone as before; several as one, begun as a single line is (<c>exposed: admin-https
    /// from internet (port 8080, allowed); …</c>), then the shared rule and fix on lines of their own.
    /// </summary>
    public override string ToString() => Lines.Count == 1
        ? Lines[0].ToString()
        : $"{Severity.ToWord()}: {Flows()} ({Lines.Count} flows, one cause){Environment.NewLine}  Rule: {Rule}.{Environment.NewLine}  Fix: {Fix}";
}
