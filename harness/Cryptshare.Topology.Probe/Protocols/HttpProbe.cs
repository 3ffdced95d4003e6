using Cryptshare.Topology.Probing;

namespace Cryptshare.Topology.Probe.Protocols;

/// <summary>Plain HTTP GET; the Host is <c>tlsName</c> when given, else the address.</summary>
internal sealed class HttpProbe : HttpExchange
{
    public override ProbeProtocol Protocol => ProbeProtocol.Http;

    protected override bool UsesTls => false;
}
