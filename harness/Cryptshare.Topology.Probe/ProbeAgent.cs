using Cryptshare.Topology.Probe.Connecting;
using Cryptshare.Topology.Probe.Protocols;
using Cryptshare.Topology.Probe.Security;
using Cryptshare.Topology.Probing;

namespace Cryptshare.Topology.Probe;

/// <summary>
/// Runs a whole batch concurrently (at most <see cref="MaxConcurrent"/> probes at a time) and writes
/// one JSON line per probe the moment it completes, so a reader sees fast verdicts (allowed,
/// rejected) before slow ones (dropped after its timeout). A probe's pending connect ends early
/// when the harness sends <see cref="Stop"/> with a trace's evidence of a drop.
/// </summary>
internal sealed class ProbeAgent(ProbeBatch batch, TextWriter output)
{
    /// <summary>
    /// The bound on probes in flight: a batch is one source's flows (a few dozen at most), and each
    /// blocking library (SSH.NET's SCP, libldap) holds a thread, so the bound keeps a large batch from
    /// starving the pool on a small container while letting every usual batch run at once.
    /// </summary>
    public const int MaxConcurrent = 32;

    private readonly Lock _writing = new();
    private readonly TraceStop[] _stops = batch.Probes.Select(_ => new TraceStop()).ToArray();

    public async Task RunAsync(CancellationToken ct)
    {
        if (batch.CaPem is { } ca && batch.Probes.Any(p => p.Protocol == ProbeProtocol.Ldaps))
        {
            LdapTlsEnvironment.Prepare(ca);
        }

        // SSH.NET's SCP and S.DS.Protocols block a thread each; the pool must not make them queue.
        var inFlight = Math.Min(batch.Probes.Count, MaxConcurrent);
        ThreadPool.GetMinThreads(out var workers, out var completion);
        ThreadPool.SetMinThreads(Math.Max(workers, inFlight + 4), completion);

        var runner = new ProbeRunner(new ProbeContext(batch));
        using var slots = new SemaphoreSlim(inFlight);
        try
        {
            await Task.WhenAll(batch.Probes.Select((request, index) => Task.Run(async () =>
            {
                await slots.WaitAsync(ct);
                try
                {
                    Write(await runner.RunAsync(request, ct, _stops[index]));
                }
                finally
                {
                    slots.Release();
                }
            }, ct)));
        }
        finally
        {
            LdapTlsEnvironment.CleanUp();
            foreach (var stop in _stops)
            {
                stop.Dispose();
            }
        }
    }

    /// <summary>The harness saw this probe's connection dropped in a trace; an index outside the batch is ignored.</summary>
    public void Stop(ProbeStop stop)
    {
        if (stop.Probe >= 0 && stop.Probe < _stops.Length)
        {
            try
            {
                _stops[stop.Probe].Stop(stop.Evidence);
            }
            catch (ObjectDisposedException)
            {
                // The batch is over: nothing is waiting any more.
            }
        }
    }

    private void Write(ProbeResult result)
    {
        var line = ProbeJson.SerializeLine(result);
        lock (_writing)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }
}
