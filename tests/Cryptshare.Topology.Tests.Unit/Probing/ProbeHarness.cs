using Cryptshare.Topology.Probe;
using Cryptshare.Topology.Probe.Protocols;
using Cryptshare.Topology.Probing;

namespace Cryptshare.Topology.Tests.Unit.Probing;

/// <summary>Runs probes in-process, the way the agent does, against loopback only.</summary>
internal static class ProbeHarness
{
    public static ProbeRequest Loopback(ProbeProtocol protocol, int port, string flow = "test-flow") =>
        new(flow, "unit-test", "loopback", "127.0.0.1", port, protocol, TimeoutMs: 1000, ExchangeTimeoutMs: 3000);

    public static Task<ProbeResult> RunAsync(ProbeRequest request, string? caPem = null) =>
        new ProbeRunner(new ProbeContext(new ProbeBatch([request], caPem))).RunAsync(request, CancellationToken.None);
}
