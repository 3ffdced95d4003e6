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

    /// <summary>A console on standard error: what people read while standard output carries a document (<c>--format json</c>).</summary>
    public static IAnsiConsole CreateForStandardError()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        if (Console.IsErrorRedirected)
        {
            console.Profile.Width = RedirectedWidth;
        }

        return console;
    }

    /// <summary>A pipeline's progress lines, grey.</summary>
    public static IProgress<string> Progress(IAnsiConsole console) => new SynchronousProgress(line => console.MarkupLine($"[grey]{Markup.Escape(line)}[/]"));

    /// <summary>A warning on standard error (what a translation left out, …).</summary>
    public static void Warn(string line) => Console.Error.WriteLine(line);

    /// <summary>
    /// Reports on the caller's thread, in order: <see cref="Progress{T}"/> posts to the thread pool,
    /// so its lines could come after the table they precede, or interleave.
    /// </summary>
    private sealed class SynchronousProgress(Action<string> report) : IProgress<string>
    {
        private readonly Lock _turn = new();

        public void Report(string value)
        {
            lock (_turn)
            {
                report(value);
            }
        }
    }
}
