using Cryptshare.Topology.Probe.Protocols;
using Cryptshare.Topology.Probe.Security;
using Cryptshare.Topology.Probing;

namespace Cryptshare.Topology.Probe;

/// <summary>
/// Runs a whole batch concurrently and writes one JSON line per probe the moment it completes, so a
/// reader sees fast verdicts (allowed, rejected) before slow ones (dropped after its timeout).
/// </summary>
internal sealed class ProbeAgent(ProbeBatch batch, TextWriter output)
{
    private readonly Lock _writing = new();

    public async Task RunAsync(CancellationToken ct)
    {
        if (batch.CaPem is { } ca && batch.Probes.Any(p => p.Protocol == ProbeProtocol.Ldaps))
        {
            LdapTlsEnvironment.Prepare(ca);
        }

        // SSH.NET's SCP and S.DS.Protocols block a thread each; the pool must not make them queue.
        ThreadPool.GetMinThreads(out var workers, out var completion);
        ThreadPool.SetMinThreads(Math.Max(workers, batch.Probes.Count + 4), completion);

        var runner = new ProbeRunner(new ProbeContext(batch));
        try
        {
            await Task.WhenAll(batch.Probes.Select(request => Task.Run(async () => Write(await runner.RunAsync(request, ct)), ct)));
        }
        finally
        {
            LdapTlsEnvironment.CleanUp();
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
