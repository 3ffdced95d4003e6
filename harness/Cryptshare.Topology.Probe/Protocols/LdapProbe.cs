using Cryptshare.Topology.Probing;

namespace Cryptshare.Topology.Probe.Protocols;

/// <summary>Plain LDAP (389, and the Global Catalog on 3268): bind and search.</summary>
internal sealed class LdapProbe : LdapExchange
{
    public override ProbeProtocol Protocol => ProbeProtocol.Ldap;

    protected override bool UsesTls => false;
}
