using Cryptshare.Topology.Model;
using Cryptshare.Topology.RuleSets;

namespace Cryptshare.Topology.Reports;

/// <summary>
/// How much of a rule set's matrix the oracle predicted, so that "oracle and kernel agree" is
/// claimed only over the flows it predicted: <see cref="Predicted"/> of <see cref="Total"/>, and
/// where it stopped first (<see cref="FirstUnreadable"/>: the rule's file and line where the
/// compiled rule set places it, and the oracle's reason).
/// </summary>
public sealed record PredictionCoverage(string RuleSet, int Predicted, int Total, string? FirstUnreadable)
{
    public bool Complete => Predicted == Total;

    /// <summary>The coverage of a run's rule set: the flows with a prediction, and for the first without one what stopped the oracle.</summary>
    public static PredictionCoverage Of(RuleSetReport report, DiagnosisContext context)
    {
        var unpredicted = report.Flows.FirstOrDefault(f => f.Predicted is null);
        string? first = null;
        if (unpredicted is not null)
        {
            var prediction = context.Proof?.Baseline(RuleSets.RuleSet.Key(unpredicted.Id, unpredicted.From));
            var rule = prediction?.Rule is { } r ? context.Located(new ReportedRule(r, RuleSource.Oracle, null)) : null;
            var where = rule?.Location is { } location ? $"{location}: " : rule is not null ? $"{rule.Name}: " : string.Empty;
            first = $"{where}{prediction?.Detail ?? "the oracle gave no reason"} ({unpredicted.Id} from {unpredicted.From})";
        }

        return new PredictionCoverage(report.Name, report.Flows.Count(f => f.Predicted is not null), report.Flows.Count, first);
    }

    /// <summary>The coverage of every rule set of a run's report, each with its rules and nft's JSON (matched by name) for the reason.</summary>
    public static IReadOnlyList<PredictionCoverage> Of(MatrixReport report, FlowCatalog catalog, TopologyDefinition topology, IEnumerable<RuleSet> ruleSets, IReadOnlyDictionary<string, RuleSetJson> parsed)
    {
        var byName = ruleSets.ToDictionary(r => r.Name);
        return report.RuleSets
            .Select(r => Of(r, new DiagnosisContext(catalog, topology, byName.GetValueOrDefault(r.Name), parsed.GetValueOrDefault(r.Name))))
            .ToList();
    }

    /// <summary>"oracle predicted 0 of 26 flows of NAME; the first construct it cannot read: FILE:LINE: reason".</summary>
    public override string ToString() =>
        $"oracle predicted {Predicted} of {Total} flows of {RuleSet}" + (FirstUnreadable is null ? string.Empty : $"; the first construct it cannot read: {FirstUnreadable}");
}
