using Cryptshare.Topology.Model;
using Cryptshare.Topology.Reports;

namespace Cryptshare.Topology.Tests.Unit.Reports;

/// <summary>The one judgement of run and analyze: what counts as a problem, and that a problem outranks "not predicted".</summary>
[TestFixture]
public sealed class JudgeTests
{
    [Test]
    public void TheDocumentedRuleSetObservedAsExpectedIsAsExpected()
    {
        var report = Diagnosed(SampleMatrix.Report(SampleMatrix.RuleSet("01-documented")));
        var judgement = Judge.Live(report);
        Assert.That((judgement.Outcome, judgement.Flows), Is.EqualTo((JudgementOutcome.AsExpected, report.RuleSets[0].Flows.Count)));
    }

    [Test]
    public void ABlockedRequiredFlowIsAProblemEvenWhenTheExpectationFileSaysSo()
    {
        var judgement = Judge.Live(Diagnosed(SampleMatrix.Report(SampleMatrix.RuleSet("04-ldaps-on-686"))));
        Assert.That(judgement.Mismatches, Is.Empty, "the expectation file expects the drop");
        Assert.That(judgement.Problems.Select(p => (p.FlowId, p.Severity)), Is.EqualTo(new[] { ("ldaps", DiagnosisSeverity.Blocked) }));
        Assert.That(judgement.Outcome, Is.EqualTo(JudgementOutcome.Problems));
    }

    [Test]
    public void AVerdictOtherThanExpectedIsAMismatch()
    {
        var ruleSet = SampleMatrix.RuleSet("01-documented");
        var judgement = Judge.Live(Diagnosed(SampleMatrix.Report(ruleSet, c => c.Flow.Id == "ui-https" && c.FromRole == "internet" ? Verdict.Rejected : null)));
        Assert.That(judgement.Mismatches.Select(m => (m.Id, m.From, m.Expected, m.Verdict)), Is.EqualTo(new[] { ("ui-https", "internet", Verdict.Allowed, Verdict.Rejected) }));
    }

    [Test]
    public void AStaticMatrixWithoutPredictionsIsNotPredictedNeverAsExpected()
    {
        var report = Static(f => f with { Predicted = null, Expected = null, Detail = "not modelled: 'meta mark set 0x1'" });
        var judgement = Judge.Static(Diagnostician.Attach(report, SampleMatrix.Catalog, SampleMatrix.Topology, []));
        Assert.That(judgement.Outcome, Is.EqualTo(JudgementOutcome.NotPredicted));
        Assert.That(judgement.NotPredicted, Has.Count.EqualTo(judgement.Flows));
        Assert.That(judgement.NotPredicted.Select(n => n.Why).Distinct(), Is.EqualTo(new[] { "not modelled: 'meta mark set 0x1'" }));
    }

    [Test]
    public void AProblemOutranksFlowsThatWereNotPredicted()
    {
        // One flow unknown, and the prediction that the admin interface is open from the internet.
        var report = Static(f =>
            f.Id == "ui-http" && f.From == "internet" ? f with { Predicted = null }
            : f.Id == "admin-https" && f.From == "internet" ? f with { Predicted = Verdict.Allowed, Expected = null }
            : f);
        var judgement = Judge.Static(Diagnostician.Attach(report, SampleMatrix.Catalog, SampleMatrix.Topology, []));
        Assert.That(judgement.NotPredicted, Has.Count.EqualTo(1));
        Assert.That(judgement.Problems.Select(p => (p.FlowId, p.From, p.Severity)), Is.EqualTo(new[] { ("admin-https", "internet", DiagnosisSeverity.Exposed) }));
        Assert.That(judgement.Outcome, Is.EqualTo(JudgementOutcome.Problems));
    }

    [Test]
    public void AStaticPredictionIsDiagnosedAsRunDiagnosesTheSameObservation()
    {
        var ruleSet = SampleMatrix.RuleSet("04-ldaps-on-686");
        var live = Diagnostician.Diagnose(SampleMatrix.Report(ruleSet), new DiagnosisContext(SampleMatrix.Catalog, SampleMatrix.Topology, ruleSet));
        var predicted = Diagnostician.Attach(Static(f => f, ruleSet.Name), SampleMatrix.Catalog, SampleMatrix.Topology, [ruleSet]);
        Assert.That(predicted.RuleSets[0].Diagnosis!.Select(l => l.ToString()), Is.EqualTo(live.Select(l => l.ToString())));
    }

    private static MatrixReport Diagnosed(RuleSetReport ruleSet) =>
        Diagnostician.Attach(SampleMatrix.Matrix(ruleSet), SampleMatrix.Catalog, SampleMatrix.Topology, [SampleMatrix.RuleSet(ruleSet.Name)]);

    /// <summary>The documented (or another) rule set's sample report as a static matrix: each observation as the prediction, then changed by <paramref name="change"/>.</summary>
    private static StaticMatrixReport Static(Func<StaticFlowReport, StaticFlowReport> change, string ruleSet = "01-documented")
    {
        var live = SampleMatrix.Report(SampleMatrix.RuleSet(ruleSet));
        var flows = live.Flows.Select(f => change(new StaticFlowReport(f.Id, f.From, f.To, f.Port, f.Expected, null, null, f.Detail, f.Required, f.Exposure, f.Observed, f.DecidingRule))).ToList();
        return new StaticMatrixReport([new StaticRuleSetReport(live.Name, live.Sha256, "test", flows)], new StaticReportTimings(0, 0));
    }
}
