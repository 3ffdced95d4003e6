using System.Text.Json;
using Cryptshare.Topology.Input;
using Cryptshare.Topology.Model;

namespace Cryptshare.Topology.Reports;

/// <summary>One flow as the simulation saw it: <c>run</c>'s observation, or <c>analyze</c>'s prediction (null when the oracle could not predict it).</summary>
public sealed record SimulatedFlow(string Id, string From, string To, int Port, Verdict? Verdict, string? Rule, string Detail);

/// <summary>
/// The simulated side of <c>compare</c>: one rule set of a run's or an analyze's report.json, its
/// flows with the verdict the simulation gives each and the rule that decided it.
/// </summary>
public sealed record SimulatedMatrix(string File, string Made, string RuleSet, IReadOnlyList<SimulatedFlow> Flows)
{
    /// <summary>
    /// Reads <paramref name="path"/> (report.json of <c>run</c> or <c>analyze</c>) and takes the rule
    /// set named <paramref name="ruleSet"/>, or its only one. A live report, a report with several
    /// rule sets and none named, or a file that is no report is bad input naming the file.
    /// </summary>
    public static SimulatedMatrix Read(string path, string? ruleSet = null)
    {
        var text = ReportFiles.ReadText(path);
        string? kind;
        string? source;
        try
        {
            using var document = JsonDocument.Parse(text);
            kind = Word(document.RootElement, "kind");
            source = Word(document.RootElement, "source");
        }
        catch (JsonException e)
        {
            throw new InputException(path, (int)(e.LineNumber ?? -1) + 1, $"not a report.json of run or analyze: {e.Message}");
        }

        if (source == LiveReport.LiveSource)
        {
            throw new InputException(path, 0, "is a live report; the first report to compare is the simulated one (report.json of run or analyze), the live reports follow it");
        }

        try
        {
            return kind == StaticMatrixReport.StaticKind ? FromStatic(path, StaticMatrixReport.Read(path), ruleSet) : FromRun(path, MatrixReport.Read(path), ruleSet);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or NullReferenceException)
        {
            throw new InputException(path, 0, $"not a report.json of run or analyze: {e.Message}");
        }
    }

    private static SimulatedMatrix FromRun(string path, MatrixReport report, string? name)
    {
        var ruleSet = Pick(path, report.RuleSets?.Select(r => r.Name).ToList() ?? [], name);
        var flows = report.RuleSets!.Single(r => r.Name == ruleSet).Flows
            .Select(f => new SimulatedFlow(f.Id, f.From, f.To, f.Port, f.Observed, RuleText(f.DecidingRule), f.Detail)).ToList();
        return new SimulatedMatrix(path, "run (observed in the simulated topology)", ruleSet, flows);
    }

    private static SimulatedMatrix FromStatic(string path, StaticMatrixReport report, string? name)
    {
        var ruleSet = Pick(path, report.RuleSets?.Select(r => r.Name).ToList() ?? [], name);
        var flows = report.RuleSets!.Single(r => r.Name == ruleSet).Flows
            .Select(f => new SimulatedFlow(f.Id, f.From, f.To, f.Port, f.Predicted, RuleText(f.DecidingRule), f.Detail)).ToList();
        return new SimulatedMatrix(path, "analyze (predicted from the rules)", ruleSet, flows);
    }

    private static string Pick(string path, IReadOnlyList<string> names, string? wanted)
    {
        if (names.Count == 0)
        {
            throw new InputException(path, 0, "holds no rule set: not a report.json of run or analyze");
        }

        if (wanted is null)
        {
            return names.Count == 1
                ? names[0]
                : throw new InputException(path, 0, $"holds {names.Count} rule sets ({string.Join(", ", names)}); name the one to compare with --rule-set");
        }

        if (names.Contains(wanted))
        {
            return wanted;
        }

        var nearest = NearestWord.Find(wanted, names);
        throw new InputException(path, 0, $"--rule-set: the report has no rule set '{Printable.Visible(wanted)}'; {(nearest is null ? $"it has {string.Join(", ", names)}" : $"did you mean {nearest}?")}");
    }

    private static string? RuleText(ReportedRule? rule) => rule?.Name;

    private static string? Word(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
