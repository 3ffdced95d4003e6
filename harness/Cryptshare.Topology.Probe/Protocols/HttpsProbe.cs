using Cryptshare.Topology.Probing;

namespace Cryptshare.Topology.Probe.Protocols;

/// <summary>HTTPS GET; the certificate must chain to the batch's CA and name <c>tlsName</c>.</summary>
internal sealed class HttpsProbe : HttpExchange
{
    public override ProbeProtocol Protocol => ProbeProtocol.Https;

    protected override bool UsesTls => true;
}
