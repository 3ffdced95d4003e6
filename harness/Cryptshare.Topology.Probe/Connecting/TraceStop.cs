namespace Cryptshare.Topology.Probe.Connecting;

/// <summary>
/// The harness's word (a <see cref="Probing.ProbeStop"/> line to <c>ctt-probe --serve</c>) that a firewall's trace shows this probe's connection dropped (its SYN, or
/// the SYN-ACK back). It ends a pending connect at once as <c>dropped</c>, with the evidence in the
/// detail, instead of waiting out the connect timeout. It has no effect once the connect is over.
/// </summary>
internal sealed class TraceStop : IDisposable
{
    private readonly CancellationTokenSource _signal = new();
    private string? _evidence;

    public CancellationToken Token => _signal.Token;

    /// <summary>What the trace showed; null until <see cref="Stop"/>.</summary>
    public string? Evidence => Volatile.Read(ref _evidence);

    public void Stop(string evidence)
    {
        Interlocked.CompareExchange(ref _evidence, evidence, null);
        _signal.Cancel();
    }

    public void Dispose() => _signal.Dispose();
}
