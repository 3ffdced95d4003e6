using Spectre.Console;

namespace Cryptshare.Topology.Cli;

/// <summary>
/// The console the verbs write to. Redirected to a file or a CI log, Spectre would assume 80
/// columns and fold every detail into a tower of short lines; there it gets a width a log can hold.
/// </summary>
internal static class ConsoleOutput
{
    public const int RedirectedWidth = 200;

    public static IAnsiConsole Create()
    {
        var console = AnsiConsole.Console;
        if (Console.IsOutputRedirected)
        {
            console.Profile.Width = RedirectedWidth;
        }

        return console;
    }
}
