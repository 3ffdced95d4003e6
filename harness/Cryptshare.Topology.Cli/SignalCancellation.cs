using System.Runtime.InteropServices;
using Cryptshare.Topology.Runs;

namespace Cryptshare.Topology.Cli;

/// <summary>
/// SIGINT (Ctrl+C) and SIGTERM end a verb alike: its token is cancelled, it removes what it started,
/// ends the processes it started, writes what it measured, and the tool exits 130 (SIGINT) or 143
/// (SIGTERM). It is given <see cref="CleanupLimit"/> for that; after it the tool exits anyway with
/// the same code. A second signal changes nothing but is answered.
/// </summary>
internal sealed class SignalCancellation : IDisposable
{
    public static readonly TimeSpan CleanupLimit = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _cancel;
    private readonly TextWriter _error;
    private readonly PosixSignalRegistration[] _registrations;

    public SignalCancellation(CancellationToken outer, TextWriter error)
    {
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(outer);
        _error = error;
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, context => On(context, "SIGINT", ExitCodes.Interrupted)),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => On(context, "SIGTERM", ExitCodes.Terminated)),
        ];
    }

    public CancellationToken Token => _cancel.Token;

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _cancel.Dispose();
    }

    private void On(PosixSignalContext context, string signal, int exitCode)
    {
        // The runtime would end the process at once; the verb ends it, after tidying up.
        context.Cancel = true;
        if (Interruptions.Current is { } first)
        {
            _error.WriteLine($"cryptshare-topology: {signal}: still stopping after {first.Signal} (at most {CleanupLimit.TotalSeconds:0} s)");
            return;
        }

        Interruptions.Record(signal, exitCode);
        _error.WriteLine($"cryptshare-topology: {signal}: stopping; removing what this run started (at most {CleanupLimit.TotalSeconds:0} s)");
        _ = Task.Delay(CleanupLimit).ContinueWith(
            _ =>
            {
                _error.WriteLine($"cryptshare-topology: still not stopped {CleanupLimit.TotalSeconds:0} s after {signal}; exiting. `cryptshare-topology clean` removes what is left");
                Environment.Exit(exitCode);
            },
            TaskScheduler.Default);
        _cancel.Cancel();
    }
}
