using Cryptshare.Topology.Probing;

namespace Cryptshare.Topology.Probe.Protocols;

/// <summary>Every protocol the agent speaks, one class each.</summary>
internal static class ProtocolCatalog
{
    private static readonly Dictionary<ProbeProtocol, IProtocolProbe> Probes = new IProtocolProbe[]
    {
        new TcpProbe(),
        new HttpProbe(),
        new HttpsProbe(),
        new SmtpProbe(),
        new SmtpsProbe(),
        new SubmissionProbe(),
        new LdapProbe(),
        new LdapsProbe(),
        new SshProbe(),
        new ScpProbe(),
    }.ToDictionary(p => p.Protocol);

    public static IProtocolProbe For(ProbeProtocol protocol) =>
        Probes.TryGetValue(protocol, out var probe) ? probe : throw new ArgumentOutOfRangeException(nameof(protocol), protocol, "no probe for this protocol");
}
