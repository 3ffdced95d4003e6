using Cryptshare.Topology.Probing;
using MailKit.Security;

namespace Cryptshare.Topology.Probe.Protocols;

/// <summary>Plain SMTP (port 25): EHLO, MAIL, RCPT, DATA; no TLS even when offered; AUTH only with credentials.</summary>
internal sealed class SmtpProbe : MailExchange
{
    public override ProbeProtocol Protocol => ProbeProtocol.Smtp;

    protected override SecureSocketOptions Security => SecureSocketOptions.None;

    protected override bool RequiresAuth => false;
}
