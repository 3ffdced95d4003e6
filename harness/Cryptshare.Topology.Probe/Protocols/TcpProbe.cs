using System.Net.Sockets;
using Cryptshare.Topology.Probing;

namespace Cryptshare.Topology.Probe.Protocols;

/// <summary>Connect only: what a negative probe of a service the harness does not speak needs.</summary>
internal sealed class TcpProbe : IProtocolProbe
{
    public ProbeProtocol Protocol => ProbeProtocol.Tcp;

    public string? Invalid(ProbeRequest request, ProbeContext context) => null;

    public Task<ExchangeOutcome> ExchangeAsync(ProbeRequest request, Socket connected, ProbeContext context, string marker, CancellationToken ct)
    {
        using (connected)
        {
            return Task.FromResult(ExchangeOutcome.Allowed($"TCP connected from {connected.LocalEndPoint}"));
        }
    }
}
