using Cryptshare.Topology.Probing;
using MailKit.Security;

namespace Cryptshare.Topology.Probe.Protocols;

/// <summary>SMTPS (port 465): implicit TLS validated against the harness CA, AUTH, message accepted.</summary>
internal sealed class SmtpsProbe : MailExchange
{
    public override ProbeProtocol Protocol => ProbeProtocol.Smtps;

    protected override SecureSocketOptions Security => SecureSocketOptions.SslOnConnect;

    protected override bool RequiresAuth => true;
}
