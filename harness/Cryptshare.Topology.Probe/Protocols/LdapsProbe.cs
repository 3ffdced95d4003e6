using Cryptshare.Topology.Probing;

namespace Cryptshare.Topology.Probe.Protocols;

/// <summary>LDAPS (636, or the seed's 686; 3269 for the Global Catalog): implicit TLS under the harness CA, bind and search.</summary>
internal sealed class LdapsProbe : LdapExchange
{
    public override ProbeProtocol Protocol => ProbeProtocol.Ldaps;

    protected override bool UsesTls => true;
}
