using System.Globalization;
using System.Text;
using Cryptshare.Topology.Model;

namespace Cryptshare.Topology.Reports;

/// <summary>
/// One flow as a test case, the same for every test format (junit.xml, TAP): its name
/// <c>ruleset/flow-id/from-zone</c>, whether it failed and why, and its facts. A flow fails when its
/// verdict (observed by <c>run</c>, predicted by <c>analyze</c>) differs from the expected one;
/// where a rule set has no expectations (a customer's), when the diagnosis names it; for
/// <c>analyze</c> also when the oracle could not predict it (an unknown is never a pass).
/// <see cref="Flaky"/> is set where the verdict varied between repetitions (<c>run --repeat N</c>).
/// A flow whose host failed (<see cref="NotTested"/>) is an error of the run, never a failure.
/// </summary>
public sealed record FlowCheck(
    string RuleSet,
    string Id,
    string From,
    string To,
    int Port,
    Verdict? Expected,
    Verdict? Verdict,
    Verdict? Predicted,
    long ElapsedMs,
    string Detail,
    bool Required,
    bool Exposure,
    ReportedRule? DecidingRule,
    DiagnosisLine? Diagnosis,
    FlakyFlow? Flaky,
    bool IsPrediction)
{
    /// <summary>The failure's type: <c>verdict-mismatch</c>, <c>not-predicted</c>, or the diagnosis' severity (<c>blocked</c>, <c>exposed</c>, …); null when the case passed.</summary>
    public string? FailureType =>
        Verdict is null ? "not-predicted"
        : NotTested ? null
        : Expected is { } expected && expected != Verdict ? "verdict-mismatch"
        : Expected is null && Diagnosis is not null ? Diagnosis.Severity.ToWord()
        : null;

    public bool Passed => FailureType is null && !NotTested;

    /// <summary>The harness could not test the flow: a host at either end failed (<c>host-failed</c>).</summary>
    public bool NotTested => Verdict is { } verdict && !verdict.IsTested();

    public string Name => $"{RuleSet}/{Id}/{From}";

    public string Rule => DecidingRule?.ToString() ?? Diagnostician.NoRuleRecorded;

    /// <summary>What "observed" is called for this check: the probe's observation, or the oracle's prediction.</summary>
    public string VerdictLabel => IsPrediction ? "predicted" : "observed";

    /// <summary>The failure in one line (null when passed).</summary>
    public string? FailureMessage => FailureType switch
    {
        null => NotTested ? $"not tested: {Detail}" : null,
        "not-predicted" => $"not predicted: {Detail}",
        "verdict-mismatch" => $"expected {Expected!.Value.ToWord()}, {VerdictLabel} {Verdict!.Value.ToWord()}; deciding rule: {Rule}",
        var severity => $"{severity}: {VerdictLabel} {Verdict!.Value.ToWord()}; deciding rule: {Rule}",
    };

    /// <summary>The facts of the case, one per line, as junit.xml's system-out and failure text show them.</summary>
    public string Facts()
    {
        var text = new StringBuilder()
            .AppendLine($"flow {Id} from {From} to {To}:{Port.ToString(CultureInfo.InvariantCulture)}")
            .AppendLine($"expected: {Expected?.ToWord() ?? "(no expectation)"}");
        if (IsPrediction)
        {
            text.AppendLine($"predicted by the oracle: {Verdict?.ToWord() ?? "(not predicted)"}");
        }
        else
        {
            text.AppendLine($"observed: {Verdict?.ToWord()} in {ElapsedMs.ToString(CultureInfo.InvariantCulture)} ms")
                .AppendLine($"predicted by the oracle: {Predicted?.ToWord() ?? "(no oracle)"}");
        }

        text.AppendLine($"deciding rule: {Rule}")
            .AppendLine($"required: {Word(Required)}, must stay closed: {Word(Exposure)}")
            .AppendLine($"detail: {Detail}");
        if (Diagnosis is not null)
        {
            text.AppendLine($"diagnosis: {Diagnosis.Message}").AppendLine($"fix: {Diagnosis.Fix}");
        }

        if (Flaky is not null)
        {
            text.AppendLine($"flaky: {FlakyCounts(Flaky)}");
        }

        return text.ToString();
    }

    /// <summary>Every flow of a run's report, rule set by rule set, with its diagnosis line and, after <c>--repeat</c>, its flakiness.</summary>
    public static IReadOnlyList<FlowCheck> Of(MatrixReport report)
    {
        var flaky = (report.Flaky?.Flows ?? []).ToDictionary(f => (f.RuleSet, f.Id, f.From));
        return report.RuleSets.SelectMany(r => r.Flows.Select(f => new FlowCheck(
            r.Name, f.Id, f.From, f.To, f.Port, f.Expected, f.Observed, f.Predicted, f.ElapsedMs, f.Detail, f.Required, f.Exposure, f.DecidingRule,
            DiagnosisOf(r.Diagnosis, f.Id, f.From), flaky.GetValueOrDefault((r.Name, f.Id, f.From)), IsPrediction: false))).ToList();
    }

    /// <summary>Every flow of an analyze report: the prediction in place of an observation.</summary>
    public static IReadOnlyList<FlowCheck> Of(StaticMatrixReport report) =>
        report.RuleSets.SelectMany(r => r.Flows.Select(f => new FlowCheck(
            r.Name, f.Id, f.From, f.To, f.Port, f.Expected, f.Predicted, f.Predicted, 0, f.Detail, f.Required, f.Exposure, f.DecidingRule,
            DiagnosisOf(r.Diagnosis, f.Id, f.From), null, IsPrediction: true))).ToList();

    /// <summary>How often each verdict came, e.g. "allowed 3, dropped 2 in 5 repetitions".</summary>
    public static string FlakyCounts(FlakyFlow flaky) =>
        string.Join(", ", flaky.Counts.Select(c => $"{c.Verdict.ToWord()} {c.Count}")) + $" in {flaky.Counts.Sum(c => c.Count)} repetitions";

    private static DiagnosisLine? DiagnosisOf(IReadOnlyList<DiagnosisLine>? diagnosis, string id, string from) =>
        diagnosis?.FirstOrDefault(d => d.FlowId == id && d.From == from);

    private static string Word(bool value) => value ? "yes" : "no";
}
