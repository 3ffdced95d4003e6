using Cryptshare.Topology.Runs.Live;
using Spectre.Console;

namespace Cryptshare.Topology.Cli;

/// <summary>Findings after the matrix: where prediction and observation, or the oracle's and the kernel's rule, differ.</summary>
internal static class FindingsText
{
    public static void Write(IAnsiConsole console, IReadOnlyList<MatrixFinding> findings)
    {
        if (findings.Count == 0)
        {
            console.MarkupLine("[green]oracle and kernel agree on every flow (verdict and deciding rule)[/]");
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
