using Cryptshare.Topology.Fixtures.Progress;
using Spectre.Console;

namespace Cryptshare.Topology.Cli;

/// <summary>
/// Shows a pipeline's phases (<see cref="PhaseProgress"/>) while it works. On a terminal: a live
/// Spectre progress display, one bar per phase (images k of n, hosts, each rule set's probes done of
/// total) with what it is doing now; the finished phases stay as a short summary. Without a terminal
/// (CI, a pipe, a file) or with <c>--verbose</c> (the engine's log lines would tear a live display):
/// one line per phase when it finishes. Every finished phase is also noted in the engine log.
/// </summary>
internal static class ProgressDisplay
{
    /// <summary>
    /// Runs <paramref name="work"/> with a progress listener rendered on <paramref name="console"/>
    /// (standard error's console when standard output carries a document: <paramref name="toStandardError"/>).
    /// </summary>
    public static Task<T> RunAsync<T>(IAnsiConsole console, Func<IProgress<PhaseProgress>, Task<T>> work, bool toStandardError = false)
    {
        var log = EngineLog.Current;
        return RunAsync(console, !log.Verbose && CanRunLive(console, toStandardError), log, work);
    }

    /// <summary>With the choice made: <paramref name="live"/> for the Spectre display, else a line per phase.</summary>
    internal static async Task<T> RunAsync<T>(IAnsiConsole console, bool live, EngineLog log, Func<IProgress<PhaseProgress>, Task<T>> work)
    {
        if (!live)
        {
            return await work(new LineProgress(console, log));
        }

        return await new Progress(console)
            .AutoClear(false)
            .Columns(new SpinnerColumn(), new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 20 }, new ElapsedTimeColumn())
            .StartAsync(context => work(new BarProgress(console, context, log)));
    }

    /// <summary>Whether a live display can run on the stream the console writes to: a terminal that is not redirected.</summary>
    private static bool CanRunLive(IAnsiConsole console, bool toStandardError) =>
        console.Profile.Capabilities.Interactive && (toStandardError ? !Console.IsErrorRedirected : !Console.IsOutputRedirected);

    /// <summary>One grey line per finished phase; calls come from many threads, the lines in order.</summary>
    private sealed class LineProgress(IAnsiConsole console, EngineLog log) : IProgress<PhaseProgress>
    {
        private readonly Lock _turn = new();

        public void Report(PhaseProgress value)
        {
            if (!value.Finished)
            {
                return;
            }

            lock (_turn)
            {
                console.MarkupLine($"[grey]{Markup.Escape(value.ToString())}[/]");
                log.Note(value.ToString());
            }
        }
    }

    /// <summary>
    /// A bar per phase (by kind, topology and name), its description the phase's name and what it does
    /// now; a notice is a line above the bars.
    /// </summary>
    private sealed class BarProgress(IAnsiConsole console, ProgressContext context, EngineLog log) : IProgress<PhaseProgress>
    {
        /// <summary>Wide enough for "01-documented: 18/24, probing", short enough for 80 columns beside bar and time.</summary>
        private const int DescriptionWidth = 44;

        private readonly Lock _turn = new();
        private readonly Dictionary<(Phase, string?, string), ProgressTask> _bars = [];

        public void Report(PhaseProgress value)
        {
            lock (_turn)
            {
                if (value.Phase == Phase.Notice)
                {
                    console.MarkupLine($"[yellow]{Markup.Escape(value.ToString())}[/]");
                    log.Note(value.ToString());
                    return;
                }

                var text = value.ToString();
                var description = Markup.Escape(text.Length <= DescriptionWidth ? text : string.Concat(text.AsSpan(0, DescriptionWidth - 1), "…"));
                if (!_bars.TryGetValue((value.Phase, value.Topology, value.Name), out var bar))
                {
                    // Spectre refuses a task without a description: the bar is made with its first one.
                    bar = context.AddTask(description, maxValue: value.Total);
                    _bars[(value.Phase, value.Topology, value.Name)] = bar;
                }

                bar.Description = description;
                bar.MaxValue = value.Total;
                bar.Value = value.Done;
                if (value.Finished)
                {
                    bar.StopTask();
                    log.Note(value.ToString());
                }
            }
        }
    }
}
