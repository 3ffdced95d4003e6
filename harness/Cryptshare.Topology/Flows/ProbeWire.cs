using Cryptshare.Topology.Model;
using Cryptshare.Topology.Probing;

namespace Cryptshare.Topology.Flows;

/// <summary>
/// The one place where the probe agent's contract meets the library's types. The contract
/// (Cryptshare.Topology.Probing) keeps its own wire enums so that the images carrying the agent are
/// rebuilt only when the agent or the contract change; each maps here, member for member, and a
/// member without a counterpart is an error, never a default.
/// </summary>
public static class ProbeWire
{
    /// <summary>The observation a probe result reports.</summary>
    public static Verdict ToVerdict(this ProbeVerdict verdict) => verdict switch
    {
        ProbeVerdict.Allowed => Verdict.Allowed,
        ProbeVerdict.Dropped => Verdict.Dropped,
        ProbeVerdict.Rejected => Verdict.Rejected,
        ProbeVerdict.Broken => Verdict.Broken,
        ProbeVerdict.Unroutable => Verdict.Unroutable,
        _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, "not a verdict of the probe contract"),
    };

    /// <summary>What the agent speaks for a catalog flow.</summary>
    public static ProbeProtocol ToProbeProtocol(this FlowProtocol protocol) => protocol switch
    {
        FlowProtocol.Http => ProbeProtocol.Http,
        FlowProtocol.Https => ProbeProtocol.Https,
        FlowProtocol.Smtp => ProbeProtocol.Smtp,
        FlowProtocol.Smtps => ProbeProtocol.Smtps,
        FlowProtocol.Submission => ProbeProtocol.Submission,
        FlowProtocol.Ldap => ProbeProtocol.Ldap,
        FlowProtocol.Ldaps => ProbeProtocol.Ldaps,
        FlowProtocol.Ssh => ProbeProtocol.Ssh,
        FlowProtocol.Scp => ProbeProtocol.Scp,
        FlowProtocol.Tcp => ProbeProtocol.Tcp,
        _ => throw new ArgumentOutOfRangeException(nameof(protocol), protocol, "not a catalog protocol"),
    };
}
