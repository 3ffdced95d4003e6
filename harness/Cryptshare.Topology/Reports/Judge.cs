using Cryptshare.Topology.Model;

namespace Cryptshare.Topology.Reports;

/// <summary>
/// What a matrix comes to, in order of precedence: an incomplete run (a host failed, so some flows
/// were not tested) outranks a problem (a verdict that is not the expected one, a required flow
/// blocked, a flow the documentation keeps closed open, a flaky flow), which outranks flows the
/// oracle could not predict, which outrank "as expected". The command line turns each into its exit
/// code.
/// </summary>
public enum JudgementOutcome
{
    /// <summary>Every verdict as expected, nothing required blocked, nothing kept closed open, every flow predicted.</summary>
    AsExpected,

    /// <summary>A verdict differs from its expectation, a diagnosis line was made, or a flow's verdict varied between repetitions.</summary>
    Problems,

    /// <summary>
    /// Nothing wrong with what could be judged, but the oracle could not predict at least one flow
    /// (<c>analyze</c>): an unknown is never a pass.
    /// </summary>
    NotPredicted,

    /// <summary>
    /// The run did not test everything (<see cref="MatrixReport.Incomplete"/>): what it did test is
    /// judged and reported, but the whole cannot pass. Problems found are still listed.
    /// </summary>
    Incomplete,
}

/// <summary>A flow whose verdict (observed by <c>run</c>, predicted by <c>analyze</c>) is not the one expected.</summary>
public sealed record MismatchedFlow(string RuleSet, string Id, string From, string To, int Port, Verdict Expected, Verdict Verdict);

/// <summary>A flow the oracle could not predict; <see cref="Why"/> is the oracle's account, naming what stopped it.</summary>
public sealed record UnpredictedFlow(string RuleSet, string Id, string From, string To, int Port, string Why);

/// <summary>A flow that was not tested because a host at one end failed (<see cref="Verdict.HostFailed"/>); <see cref="Why"/> names the host and what happened.</summary>
public sealed record UntestedFlow(string RuleSet, string Id, string From, string To, int Port, string Why);

/// <summary>
/// The judgement of a matrix: every reason it is not a pass, and the <see cref="Outcome"/> they add
/// up to. <see cref="NotTested"/> and <see cref="Incomplete"/> (added last, optional) are the flows a
/// failed host took with it and why the run is incomplete.
/// </summary>
public sealed record Judgement(
    int Flows,
    IReadOnlyList<MismatchedFlow> Mismatches,
    IReadOnlyList<DiagnosisLine> Problems,
    IReadOnlyList<FlakyFlow> Flaky,
    IReadOnlyList<UnpredictedFlow> NotPredicted,
    IReadOnlyList<UntestedFlow>? NotTested = null,
    IncompleteRun? Incomplete = null)
{
    public JudgementOutcome Outcome =>
        Incomplete is not null ? JudgementOutcome.Incomplete
        : Mismatches.Count > 0 || Problems.Count > 0 || Flaky.Count > 0 ? JudgementOutcome.Problems
        : NotPredicted.Count > 0 ? JudgementOutcome.NotPredicted
        : JudgementOutcome.AsExpected;
}

/// <summary>
/// The one judgement of <c>run</c> and <c>analyze</c>: each flow's verdict (observed, or predicted)
/// against its expectation (the rule set's <c>.expect.yml</c>; for <c>run</c> without one, the
/// oracle's prediction), plus the diagnosis made from the same verdicts against the deployment
/// profile (required flows blocked, flows kept closed open). Attach the diagnosis first
/// (<see cref="Diagnostician"/>): the judge counts its lines, it does not make them.
/// </summary>
public static class Judge
{
    /// <summary>
    /// A live matrix (<c>run</c>): observed verdicts; with <c>--repeat</c>, flaky flows too. A flow
    /// that was not tested (its host failed) is no mismatch: it is listed apart, and the report's
    /// incomplete section makes the whole <see cref="JudgementOutcome.Incomplete"/>.
    /// </summary>
    public static Judgement Live(MatrixReport report) => new(
        report.RuleSets.Sum(r => r.Flows.Count),
        report.RuleSets.SelectMany(r => r.Flows
            .Where(f => f.Mismatched && f.Expected is not null)
            .Select(f => new MismatchedFlow(r.Name, f.Id, f.From, f.To, f.Port, f.Expected!.Value, f.Observed))).ToList(),
        report.RuleSets.SelectMany(r => r.Diagnosis ?? []).ToList(),
        report.Flaky?.Flows ?? [],
        [],
        report.RuleSets.SelectMany(r => r.Flows
            .Where(f => !f.Observed.IsTested())
            .Select(f => new UntestedFlow(r.Name, f.Id, f.From, f.To, f.Port, f.Detail))).ToList(),
        report.Incomplete);

    /// <summary>A static matrix (<c>analyze</c>): predicted verdicts; a flow without a prediction is listed, never passed.</summary>
    public static Judgement Static(StaticMatrixReport report) => new(
        report.RuleSets.Sum(r => r.Flows.Count),
        report.RuleSets.SelectMany(r => r.Flows
            .Where(f => f.Expected is { } expected && f.Predicted is { } predicted && expected != predicted)
            .Select(f => new MismatchedFlow(r.Name, f.Id, f.From, f.To, f.Port, f.Expected!.Value, f.Predicted!.Value))).ToList(),
        report.RuleSets.SelectMany(r => r.Diagnosis ?? []).ToList(),
        [],
        report.RuleSets.SelectMany(r => r.Flows
            .Where(f => f.Predicted is null)
            .Select(f => new UnpredictedFlow(r.Name, f.Id, f.From, f.To, f.Port, f.Detail))).ToList(),
        [],
        report.Incomplete);
}
