using Cryptshare.Topology.Reports;
using Spectre.Console;

namespace Cryptshare.Topology.Cli;

/// <summary>
/// After the table, in the same words for <c>run</c> and <c>analyze</c>: the diagnosis (what breaks
/// for the user, which rule, the likely fix) and every flow the oracle could not predict, with what
/// stopped it.
/// </summary>
internal static class JudgementText
{
    public static void Write(IAnsiConsole console, Judgement judgement)
    {
        foreach (var line in judgement.Problems)
        {
            console.WriteLine(line.ToString());
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
