using Cryptshare.Topology.Oracle.Matrix;

namespace Cryptshare.Topology.Oracle.Kernel;

/// <summary>
/// When a trace read while probing is evidence enough to call a connection <c>dropped</c> before its
/// connect timeout: the kernel dropped its SYN, or the SYN-ACK back (at the perimeter or the server's
/// own firewall), and the rule set decides every retransmission the same way. A rule that counts,
/// limits or remembers packets (limit, quota, numgen, meters, ct count, sets updated from the packet
/// path) and decides something may treat the retransmitted SYN differently from the first; for such
/// rule sets there is no evidence, and the probe waits out its timeout as before. A rate-limited LOG
/// rule decides nothing (<see cref="RetransmissionStability"/>). Nothing here decides a verdict the
/// probe could not observe: it only ends a wait whose end the trace already shows.
/// </summary>
public static class DropEvidence
{
    /// <summary>Why the trace is no evidence for this rule set (a construct it names, <see cref="RetransmissionStability"/>), or null when it is.</summary>
    public static string? Unusable(string firewallJson, string? hostFirewallJson)
    {
        ArgumentNullException.ThrowIfNull(firewallJson);
        return new[] { firewallJson, hostFirewallJson }.OfType<string>().Select(RetransmissionStability.Unstable).FirstOrDefault(reason => reason is not null);
    }

    /// <summary>
    /// The kernel's drop of this connection's SYN or SYN-ACK as the trace shows it so far, or null
    /// (accepted, rejected, not traced yet). A drop of the source's ACK is not counted: by then the
    /// connect has succeeded. (A drop in the source's own output, the server probing out through its
    /// host firewall, answers the connect with EPERM in the same system call, long before a trace line
    /// can reach the harness: the probe reports that refusal itself.)
    /// </summary>
    public static KernelDecision? Of(KernelAttribution kernel, ProbedConnection connection) => Of(kernel, connection, 1);

    /// <summary>
    /// As <see cref="Of(KernelAttribution, ProbedConnection)"/> for <paramref name="connections"/>
    /// probes of the same addresses and port (two flows on one port of one host): evidence only when
    /// that many distinct connections (source ports) were each traced dropped, so every one of the
    /// probes is known dropped, whichever it is. The first connection's decision stands for them.
    /// </summary>
    public static KernelDecision? Of(KernelAttribution kernel, ProbedConnection connection, int connections)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentOutOfRangeException.ThrowIfLessThan(connections, 1);
        var ports = kernel.SynSourcePorts(connection);
        if (ports.Count < connections)
        {
            return null;
        }

        KernelDecision? first = null;
        foreach (var port in ports)
        {
            var decision = kernel.Attribute(connection, port, out _);
            if (decision is not { Verdict: PacketVerdict.Drop, Step: HandshakeStep.Syn or HandshakeStep.SynAck })
            {
                return null;
            }

            first ??= decision;
        }

        return first;
    }
}
