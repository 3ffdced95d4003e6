using Cryptshare.Topology.Reports;
using Cryptshare.Topology.Runs.Live;
using Spectre.Console;

namespace Cryptshare.Topology.Cli;

/// <summary>Findings after the matrix: where prediction and observation, or the oracle's and the kernel's rule, differ.</summary>
internal static class FindingsText
{
    /// <summary>
    /// The findings, and the claim of agreement only over the flows the oracle predicted
    /// (<paramref name="coverage"/>): a flow it could not predict is no agreement.
    /// </summary>
    public static void Write(IAnsiConsole console, IReadOnlyList<MatrixFinding> findings, IReadOnlyList<PredictionCoverage> coverage)
    {
        foreach (var partial in coverage.Where(c => !c.Complete))
        {
            console.MarkupLine($"[yellow]{Markup.Escape(partial.ToString())}[/]");
        }

        if (findings.Count == 0)
        {
            var (predicted, total) = (coverage.Sum(c => c.Predicted), coverage.Sum(c => c.Total));
            if (coverage.Count == 0 || predicted == total)
            {
                console.MarkupLine("[green]oracle and kernel agree on every flow (verdict and deciding rule)[/]");
            }
            else if (predicted == 0)
            {
                console.MarkupLine($"[yellow]oracle and kernel not compared: the oracle predicted 0 of {total} flows[/]");
            }
            else
            {
                console.MarkupLine($"[green]oracle and kernel agree on the {predicted} of {total} flows the oracle predicted (verdict and deciding rule)[/]");
            }

            return;
        }

        console.MarkupLine($"[yellow]{findings.Count} finding(s): the oracle and the kernel part[/]");
        foreach (var finding in findings)
        {
            console.MarkupLine($"[yellow]finding[/] {Markup.Escape(finding.Case)}: {Markup.Escape(finding.What)}");
            console.MarkupLine($"  oracle: {Markup.Escape(finding.Oracle)}");
            console.MarkupLine($"  kernel: {Markup.Escape(finding.Kernel)}");
        }
    }
}
