using Cryptshare.Topology.Model;

namespace Cryptshare.Topology.Reports;

/// <summary>
/// What a matrix comes to, in order of precedence: a problem (a verdict that is not the expected
/// one, a required flow blocked, a flow the documentation keeps closed open, a flaky flow) outranks
/// flows the oracle could not predict, which outrank "as expected". The command line turns each into
/// its exit code.
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
}

/// <summary>A flow whose verdict (observed by <c>run</c>, predicted by <c>analyze</c>) is not the one expected.</summary>
public sealed record MismatchedFlow(string RuleSet, string Id, string From, string To, int Port, Verdict Expected, Verdict Verdict);

/// <summary>A flow the oracle could not predict; <see cref="Why"/> is the oracle's account, naming what stopped it.</summary>
public sealed record UnpredictedFlow(string RuleSet, string Id, string From, string To, int Port, string Why);

/// <summary>The judgement of a matrix: every reason it is not a pass, and the <see cref="Outcome"/> they add up to.</summary>
public sealed record Judgement(
    int Flows,
    IReadOnlyList<MismatchedFlow> Mismatches,
    IReadOnlyList<DiagnosisLine> Problems,
    IReadOnlyList<FlakyFlow> Flaky,
    IReadOnlyList<UnpredictedFlow> NotPredicted)
{
    public JudgementOutcome Outcome =>
        Mismatches.Count > 0 || Problems.Count > 0 || Flaky.Count > 0 ? JudgementOutcome.Problems
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
    /// <summary>A live matrix (<c>run</c>): observed verdicts; with <c>--repeat</c>, flaky flows too.</summary>
    public static Judgement Live(MatrixReport report) => new(
        report.RuleSets.Sum(r => r.Flows.Count),
        report.RuleSets.SelectMany(r => r.Flows
            .Where(f => f.Expected is { } expected && expected != f.Observed)
            .Select(f => new MismatchedFlow(r.Name, f.Id, f.From, f.To, f.Port, f.Expected!.Value, f.Observed))).ToList(),
        report.RuleSets.SelectMany(r => r.Diagnosis ?? []).ToList(),
        report.Flaky?.Flows ?? [],
        []);

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
            .Select(f => new UnpredictedFlow(r.Name, f.Id, f.From, f.To, f.Port, f.Detail))).ToList());
}
