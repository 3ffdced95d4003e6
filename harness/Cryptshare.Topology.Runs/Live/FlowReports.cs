using Cryptshare.Topology.Reports;

namespace Cryptshare.Topology.Runs.Live;

/// <summary>The one place a probed flow becomes a line of report.json.</summary>
public static class FlowReports
{
    /// <summary>
    /// The report line of a probed flow with the oracle's prediction and the deciding rule: the
    /// kernel's (from the trace) when it named one, else the oracle's. Without an expectation line
    /// the prediction is the expectation.
    /// </summary>
    public static FlowReport Of(AttributedOutcome attributed)
    {
        var (outcome, prediction, kernel) = (attributed.Outcome, attributed.Prediction, attributed.Kernel);
        var rule = kernel is not null
            ? ReportedRule.From(kernel.Rule, kernel.Verdict, RuleSource.Kernel)
            : ReportedRule.From(prediction.Rule, prediction.RuleAction, RuleSource.Oracle);
        return new FlowReport(
            outcome.Case.Flow.Id,
            outcome.Case.Source.Zone,
            outcome.Case.Destination.Name,
            outcome.Case.Port,
            outcome.Case.Expected ?? prediction.Verdict,
            outcome.Observed,
            outcome.ElapsedMs,
            outcome.Detail,
            outcome.Case.Required,
            outcome.Case.Exposure,
            prediction.Verdict,
            rule,
            outcome.ConnectMs,
            outcome.ExchangeMs);
    }
}
