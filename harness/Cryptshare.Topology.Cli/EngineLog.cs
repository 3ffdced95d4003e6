using System.Globalization;
using Cryptshare.Topology.Fixtures.Engine;
using Microsoft.Extensions.Logging;

namespace Cryptshare.Topology.Cli;

/// <summary>
/// Where the engine's chatter goes while the tool runs: Testcontainers logs every image build step,
/// tar copy and container start (hundreds of lines a run), which would bury the table. The tool
/// installs this log for the whole invocation (<see cref="HarnessLog.WriteTo"/>): lines are held in
/// memory until a verb knows its output folder and opens <c>run.log</c> there (<see cref="OpenFile"/>;
/// bad input therefore leaves no file behind), then go to that file. With <c>--verbose</c> every line
/// is also shown live on standard error. Each line is written as Testcontainers' console logger
/// writes it: <c>[testcontainers.org HH:mm:ss.ff] message</c>.
/// </summary>
internal sealed class EngineLog : ILogger, IDisposable
{
    public const string FileName = "run.log";

    /// <summary>Lines held before a file is opened; a verb that never opens one (images, bench) keeps only the last of them.</summary>
    private const int MaxHeldLines = 10_000;

    private readonly Lock _turn = new();
    private readonly Queue<string> _held = new();
    private readonly TextWriter? _echo;
    private StreamWriter? _file;

    private EngineLog(TextWriter? echo) => _echo = echo;

    /// <summary>The log of this invocation (until <see cref="Install"/> runs: one that only holds lines).</summary>
    public static EngineLog Current { get; private set; } = new(null);

    /// <summary>Whether the invocation asked for <c>--verbose</c> (the engine's lines live on standard error).</summary>
    public bool Verbose => _echo is not null;

    /// <summary>
    /// Makes a new log the invocation's and the harness's (<see cref="HarnessLog"/>); disposing the
    /// result closes the file and gives the harness back the logger it had.
    /// </summary>
    public static IDisposable Install(TextWriter? echo)
    {
        var log = new EngineLog(echo);
        Current = log;
        var previous = HarnessLog.Sink;
        HarnessLog.WriteTo(log);
        return new Restore(() =>
        {
            HarnessLog.WriteTo(previous);
            log.Dispose();
        });
    }

    /// <summary>The file the log is written to, once a verb opened one (an error message names it).</summary>
    public string? Path { get; private set; }

    /// <summary>Opens <c>run.log</c> in <paramref name="folder"/> (replacing an older one) and writes what was held so far.</summary>
    public void OpenFile(string folder)
    {
        var path = System.IO.Path.Combine(folder, FileName);
        lock (_turn)
        {
            _file?.Dispose();
            Directory.CreateDirectory(folder);
            _file = new StreamWriter(path, append: false) { AutoFlush = true };
            Path = path;
            while (_held.TryDequeue(out var line))
            {
                _file.WriteLine(line);
            }
        }
    }

    /// <summary>A line of the tool's own (a phase that finished), so the log reads as the run went.</summary>
    public void Note(string text) => Write($"[cryptshare-topology {Now()}] {text}", echo: false);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var text = $"[testcontainers.org {Now()}] {formatter(state, exception)}";
        Write(exception is null ? text : $"{text}{Environment.NewLine}{exception.GetType().Name}: {exception.Message}", echo: true);
    }

    public void Dispose()
    {
        lock (_turn)
        {
            _file?.Dispose();
            _file = null;
        }
    }

    private void Write(string line, bool echo)
    {
        lock (_turn)
        {
            if (_file is not null)
            {
                _file.WriteLine(line);
            }
            else
            {
                _held.Enqueue(line);
                if (_held.Count > MaxHeldLines)
                {
                    _held.Dequeue();
                }
            }

            if (echo)
            {
                _echo?.WriteLine(line);
            }
        }
    }

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }

    private static string Now() => DateTime.Now.ToString("HH:mm:ss.ff", CultureInfo.InvariantCulture);
}
