namespace Cryptshare.Topology.Runs;

/// <summary>A signal that ended a verb: its name (SIGINT, SIGTERM), the exit code it stands for (130, 143) and when it came.</summary>
public sealed record Interruption(string Signal, int ExitCode, DateTimeOffset At)
{
    public override string ToString() => $"interrupted by {Signal} at {At:HH:mm:ss} UTC";
}

/// <summary>
/// The signal that interrupted this process, as the command line received it. Signals belong to the
/// process, so this is process-wide: the use-cases read it to say in a partial report what stopped
/// them; a caller that cancels without a signal (a test) leaves it empty.
/// </summary>
public static class Interruptions
{
    private static Interruption? _current;

    public static Interruption? Current => Volatile.Read(ref _current);

    /// <summary>Records the first signal; later ones change nothing.</summary>
    public static void Record(string signal, int exitCode) =>
        Interlocked.CompareExchange(ref _current, new Interruption(signal, exitCode, DateTimeOffset.UtcNow), null);

    /// <summary>What stopped a cancelled use-case, in words.</summary>
    public static string Describe() => Current?.ToString() ?? $"cancelled at {DateTimeOffset.UtcNow:HH:mm:ss} UTC";
}
