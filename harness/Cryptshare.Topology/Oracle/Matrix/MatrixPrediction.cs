using Cryptshare.Topology.Model;

namespace Cryptshare.Topology.Oracle.Matrix;

/// <summary>
/// What a probe should observe and which rule decides it. <see cref="Verdict"/> is null when the
/// oracle cannot tell (<see cref="Detail"/> says why). <see cref="Step"/> and <see cref="Hop"/>
/// name the packet and the firewall that decided (for an allowed flow: the SYN at the firewall).
/// </summary>
public sealed record MatrixPrediction(Verdict? Verdict, RuleReference? Rule, HandshakeStep Step, string Hop, string Detail)
{
    public bool IsKnown => Verdict is not null;

    /// <summary>What <see cref="Rule"/> did to the packet that decided: accept for an allowed flow (the SYN's rule), drop or reject where a packet was refused, unknown where the rule holds what the oracle does not model.</summary>
    public PacketVerdict? RuleAction { get; init; }
}
