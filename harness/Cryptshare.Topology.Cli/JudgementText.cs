using Cryptshare.Topology.Reports;
using Spectre.Console;

namespace Cryptshare.Topology.Cli;

/// <summary>
/// After the table, in the same words for <c>run</c> and <c>analyze</c>: the diagnosis (what breaks
/// for the user, which rule, the likely fix) and every flow the oracle could not predict, with what
/// stopped it. Diagnosis lines of a rule set that share a cause (severity, rule, fix) are said once
/// with their flows listed (<see cref="DiagnosisGroup"/>); report.json keeps a line per flow.
/// </summary>
internal static class JudgementText
{
    /// <summary><paramref name="diagnoses"/>: each rule set's diagnosis, to group the judgement's problems within their rule set.</summary>
    public static void Write(IAnsiConsole console, Judgement judgement, IEnumerable<IReadOnlyList<DiagnosisLine>?> diagnoses)
    {
        foreach (var group in diagnoses.SelectMany(d => DiagnosisGroup.Of(d ?? [])))
        {
            console.WriteLine(group.ToString());
        }

        if (judgement.NotPredicted.Count == 0)
        {
            return;
        }

        console.MarkupLine($"[yellow]not predicted: {judgement.NotPredicted.Count} of {judgement.Flows} flows; the oracle cannot tell what the firewall does with them, so they are not a pass:[/]");
        foreach (var flow in judgement.NotPredicted)
        {
            console.WriteLine($"  {flow.RuleSet}/{flow.Id} from {flow.From} (port {flow.Port} to {flow.To}): {flow.Why}");
        }
    }
}
