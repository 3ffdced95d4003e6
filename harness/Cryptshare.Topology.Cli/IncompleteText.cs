using Cryptshare.Topology.Reports;
using Spectre.Console;

namespace Cryptshare.Topology.Cli;

/// <summary>
/// After the table of an incomplete run: what is missing and why, each failed host with what
/// happened to it and its last log lines, and the flows it took with it (not tested).
/// </summary>
internal static class IncompleteText
{
    public static void Write(IAnsiConsole console, IncompleteRun? incomplete, Judgement judgement)
    {
        if (incomplete is null)
        {
            return;
        }

        console.MarkupLine($"[bold red]incomplete ({Markup.Escape(incomplete.Cause)}):[/] {Markup.Escape(incomplete.Reason)}");
        foreach (var line in incomplete.Account())
        {
            console.WriteLine(line);
        }

        var untested = judgement.NotTested ?? [];
        if (untested.Count > 0)
        {
            console.MarkupLine($"[red]not tested: {untested.Count} of {judgement.Flows} flows of the report[/] (host-failed; never a firewall's verdict)");
        }
    }
}
