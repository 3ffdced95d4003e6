using Cryptshare.Topology.Model;
using Cryptshare.Topology.RuleSets;

namespace Cryptshare.Topology.Reports;

/// <summary>
/// Turns a rule set's observed matrix into the diagnosis a support engineer sends back: one line
/// for every required flow that is not allowed and every flow the documentation keeps closed that
/// is open — what the user notices, which rule decided it, and the likely fix.
/// </summary>
public static class Diagnostician
{
    public const string NoRuleRecorded = "no rule recorded";

    public static IReadOnlyList<DiagnosisLine> Diagnose(RuleSetReport ruleSet, DiagnosisContext context)
    {
        var lines = new List<DiagnosisLine>();
        var diagnosed = new Dictionary<string, bool>();
        foreach (var flow in ruleSet.Flows.Where(f => IsBlocked(f) || IsExposed(f)))
        {
            diagnosed.TryAdd(RuleSet.Key(flow.Id, flow.From), IsBlocked(flow));
        }

        // A flow whose host failed was not tested: nothing is known of what the rule set does to it.
        foreach (var flow in ruleSet.Flows.Where(f => f.Observed.IsTested()))
        {
            var blocked = IsBlocked(flow);
            var exposed = IsExposed(flow);
            if (!blocked && !exposed)
            {
                continue;
            }

            var facts = new FlowUnderDiagnosis(flow, context.Catalog.Find(flow.Id), ruleSet, flow.DecidingRule, context) { Diagnosed = diagnosed };
            var severity = exposed ? DiagnosisSeverity.Exposed
                : flow.Observed == Verdict.Unroutable ? DiagnosisSeverity.Inconclusive
                : DiagnosisSeverity.Blocked;
            var advice = exposed ? FixAdvisor.ForExposed(facts) : FixAdvisor.ForBlocked(facts);
            lines.Add(new DiagnosisLine(
                flow.Id,
                flow.From,
                flow.Port,
                flow.Observed,
                severity,
                Message(facts, severity),
                facts.Deciding?.ToString() ?? NoRuleRecorded,
                advice.Text) { Proven = advice.Proven });
        }

        return lines;
    }

    private static bool IsBlocked(FlowReport flow) => flow.Required && flow.Observed.IsTested() && flow.Observed != Verdict.Allowed;

    private static bool IsExposed(FlowReport flow) => flow.Exposure && flow.Observed == Verdict.Allowed;

    /// <summary>The rule set's report with its diagnosis attached.</summary>
    public static RuleSetReport Attach(RuleSetReport ruleSet, DiagnosisContext context)
    {
        var located = ruleSet with { Flows = ruleSet.Flows.Select(f => f with { DecidingRule = context.Located(f.DecidingRule) }).ToList() };
        return located with { Diagnosis = Diagnose(located, context) };
    }

    /// <summary>
    /// Every rule set of a report with its diagnosis; the rule sets and nft's JSON of them
    /// (<paramref name="parsed"/>) are matched by name (a report's rule set without both gets the
    /// less specific hints).
    /// </summary>
    public static MatrixReport Attach(MatrixReport report, FlowCatalog catalog, TopologyDefinition? topology, IEnumerable<RuleSet> ruleSets, IReadOnlyDictionary<string, RuleSetJson>? parsed = null)
    {
        var byName = ruleSets.ToDictionary(r => r.Name);
        return report with
        {
            RuleSets = report.RuleSets
                .Select(r => Attach(r, new DiagnosisContext(catalog, topology, byName.GetValueOrDefault(r.Name), parsed?.GetValueOrDefault(r.Name))))
                .ToList(),
        };
    }

    /// <summary>Whether any rule set has a diagnosis line (one of the reasons <see cref="Judge"/> finds problems).</summary>
    public static bool AnyProblem(MatrixReport report) => report.RuleSets.Any(r => r.Diagnosis is { Count: > 0 });

    /// <summary>
    /// Every rule set of a static matrix (<c>analyze</c>) with the diagnosis <c>run</c> would make,
    /// made from the predictions (flows the oracle could not predict get none).
    /// </summary>
    public static StaticMatrixReport Attach(StaticMatrixReport report, FlowCatalog catalog, TopologyDefinition? topology, IEnumerable<RuleSet> ruleSets, IReadOnlyDictionary<string, RuleSetJson>? parsed = null)
    {
        var byName = ruleSets.ToDictionary(r => r.Name);
        return report with
        {
            RuleSets = report.RuleSets
                .Select(r => Attach(r, new DiagnosisContext(catalog, topology, byName.GetValueOrDefault(r.Name), parsed?.GetValueOrDefault(r.Name))))
                .ToList(),
        };
    }

    private static StaticRuleSetReport Attach(StaticRuleSetReport ruleSet, DiagnosisContext context)
    {
        var located = ruleSet with { Flows = ruleSet.Flows.Select(f => f with { DecidingRule = context.Located(f.DecidingRule) }).ToList() };
        return located with { Diagnosis = Diagnose(located.AsPredicted(), context) };
    }

    private static string Message(FlowUnderDiagnosis facts, DiagnosisSeverity severity)
    {
        const string harmlessUnlessOpen = "Nothing; if open, ";
        var definition = facts.Definition;
        return severity switch
        {
            DiagnosisSeverity.Inconclusive =>
                $"Not known: the harness could not route the probe, so whether \"{definition?.Breaks ?? facts.Flow.Id}\" holds was not tested.",
            DiagnosisSeverity.Exposed when definition?.Breaks.StartsWith(harmlessUnlessOpen, StringComparison.Ordinal) == true =>
                Capitalised(definition.Breaks[harmlessUnlessOpen.Length..]),
            DiagnosisSeverity.Exposed =>
                $"Open from the {facts.Flow.From} zone, which the documentation keeps closed: {definition?.Purpose ?? facts.Flow.Id}",
            _ when !string.IsNullOrEmpty(definition?.Breaks) => definition.Breaks,
            _ => $"{facts.Flow.Id} from the {facts.Flow.From} zone does not work ({facts.Flow.Observed.ToWord()}).",
        };
    }

    private static string Capitalised(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
