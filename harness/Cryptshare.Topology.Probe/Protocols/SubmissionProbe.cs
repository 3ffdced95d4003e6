using Cryptshare.Topology.Probing;
using MailKit.Security;

namespace Cryptshare.Topology.Probe.Protocols;

/// <summary>Submission (port 587): STARTTLS required and validated against the harness CA, AUTH, message accepted.</summary>
internal sealed class SubmissionProbe : MailExchange
{
    public override ProbeProtocol Protocol => ProbeProtocol.Submission;

    protected override SecureSocketOptions Security => SecureSocketOptions.StartTls;

    protected override bool RequiresAuth => true;
}
