using System.Net;
using Cryptshare.Topology.Oracle.Matrix;

namespace Cryptshare.Topology.Oracle.Kernel;

/// <summary>The kernel's decision for one probed connection: the packet and hop that decided, the rule, and what happened on the way.</summary>
public sealed record KernelDecision(PacketVerdict Verdict, RuleReference? Rule, HandshakeStep Step, string Hop, string Detail);

/// <summary>
/// Names the rule the kernel applied to each probed connection, from the trace of the firewall and
/// (when the rule set has one) of the server's own firewall. It follows the handshake the way the
/// <see cref="MatrixOracle"/> predicts it: the connection's first SYN (matched by addresses and
/// destination port; its source port then identifies the connection), the SYN-ACK back, and the
/// source's first ACK; the first packet a firewall does not accept decides, else the rule that
/// accepted the SYN at the perimeter.
/// </summary>
public sealed class KernelAttribution
{
    private readonly IReadOnlyList<TracedPacket> _firewall;
    private readonly RuleSetCatalog _firewallRules;
    private readonly IReadOnlyList<TracedPacket> _host;
    private readonly RuleSetCatalog? _hostRules;
    private readonly IPAddress? _hostAddress;

    /// <param name="firewallTrace">The firewall's trace lines since the rule set was loaded.</param>
    /// <param name="firewallJson">nft's JSON of the firewall's rule set (chain types and comments).</param>
    /// <param name="hostAddress">The server's address, when it runs a host firewall; null otherwise.</param>
    /// <param name="hostTrace">The server's trace lines (only its host firewall table counts).</param>
    /// <param name="hostJson">nft's JSON of the host firewall table.</param>
    public KernelAttribution(IEnumerable<string> firewallTrace, string firewallJson, IPAddress? hostAddress = null, IEnumerable<string>? hostTrace = null, string? hostJson = null)
    {
        _firewall = TraceLog.Parse(firewallTrace);
        _firewallRules = RuleSetCatalog.FromJson(firewallJson);
        _hostAddress = hostAddress;
        _host = hostTrace is null ? [] : TraceLog.Parse(hostTrace);
        _hostRules = hostJson is null ? null : RuleSetCatalog.FromJson(hostJson);
    }

    /// <summary>Whether the firewall's trace holds this connection's first SYN (the monitor may still be writing).</summary>
    public bool HasSyn(ProbedConnection connection) =>
        _firewall.Any(p => Is(p.Header, connection.Source, null, connection.Destination, connection.Port, TcpFlags.Syn));

    /// <summary>Traced packets of the firewall (for diagnostics).</summary>
    public IReadOnlyList<TracedPacket> FirewallPackets => _firewall;

    /// <summary>The source ports of every SYN the firewall traced for this connection's addresses and port, first first (one per connection made).</summary>
    public IReadOnlyList<int> SynSourcePorts(ProbedConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return _firewall.Where(p => Is(p.Header, connection.Source, null, connection.Destination, connection.Port, TcpFlags.Syn))
            .Select(p => p.Header.SourcePort).OfType<int>().Distinct().ToList();
    }

    /// <summary>The kernel's decision for a connection, or null when its SYN is not in the trace (the reason is in <paramref name="why"/>).</summary>
    public KernelDecision? Attribute(ProbedConnection connection, out string why) => Attribute(connection, null, out why);

    /// <summary>
    /// As <see cref="Attribute(ProbedConnection, out string)"/> for the connection made from
    /// <paramref name="sourcePort"/> (one of <see cref="SynSourcePorts"/>); null: the first traced.
    /// </summary>
    public KernelDecision? Attribute(ProbedConnection connection, int? sourcePort, out string why)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var (source, destination, port) = (connection.Source, connection.Destination, connection.Port);
        var hostIsSource = HostRuns && _hostAddress!.Equals(source);
        var trail = new List<string>();

        // The server's own output, when it opens the connection.
        if (hostIsSource && HostStop(HandshakeStep.Syn, h => Is(h, source, null, destination, port, TcpFlags.Syn), trail) is { } hostSynOut)
        {
            why = "";
            return hostSynOut;
        }

        // As the first chain saw it, before any NAT: after a DNAT another connection's SYN can carry
        // this one's addresses in its later passes.
        var syn = _firewall.FirstOrDefault(p => Is(p.Header, source, sourcePort, destination, port, TcpFlags.Syn));
        if (syn is null)
        {
            why = $"no SYN from {source} to {destination}:{port} in the firewall's trace ({_firewall.Count} packets traced)";
            return null;
        }

        sourcePort = syn.Header.SourcePort;
        var synDecision = PacketDecision.Of(syn, _firewallRules);
        if (!synDecision.Accepted)
        {
            why = "";
            return Decided(HandshakeStep.Syn, Hops.Firewall, synDecision, trail);
        }

        // The SYN as it left the firewall: after a DNAT it names the real server.
        var last = syn.Passes[^1].Header;
        var realDestination = last.Destination ?? destination;
        var realPort = last.DestinationPort ?? port;
        trail.Add($"SYN accepted by {Name(synDecision.Rule)}");
        var hostIsDestination = HostRuns && _hostAddress!.Equals(realDestination);
        if (hostIsDestination && HostStop(HandshakeStep.Syn, h => Is(h, source, sourcePort, realDestination, realPort, TcpFlags.Syn), trail) is { } hostSynIn)
        {
            why = "";
            return hostSynIn;
        }

        if (hostIsDestination && HostStop(HandshakeStep.SynAck, h => Is(h, realDestination, realPort, source, sourcePort, TcpFlags.Syn | TcpFlags.Ack), trail) is { } hostReplyOut)
        {
            why = "";
            return hostReplyOut;
        }

        // Any pass: chains after the NAT slot of prerouting see the reply after conntrack has undone
        // a source translation. A reply dropped before that slot shows only how it arrived: addressed
        // to the translated source (the firewall's own address after a masquerade), on the interface
        // the SYN left by, so after a source translation that is how it is recognised.
        var sourceTranslated = syn.Passes.SelectMany(p => p.Events)
            .Any(e => e is { Handle: { } handle, Verdict: "accept" } && _firewallRules.TranslatesSource(e.Family, e.Table, handle));
        var reply = _firewall.FirstOrDefault(p => p.Sequence > syn.Sequence &&
            (p.Passes.Any(pass => Is(pass.Header, realDestination, realPort, source, sourcePort, TcpFlags.Syn | TcpFlags.Ack))
             || (sourceTranslated && p.Header.InputInterface == last.OutputInterface
                 && Is(p.Header, realDestination, realPort, null, sourcePort, TcpFlags.Syn | TcpFlags.Ack))));
        if (reply is null)
        {
            // The destination never answered through the firewall (no listener, a host firewall, a
            // dead service): all the perimeter decided was the SYN.
            why = "";
            return new KernelDecision(PacketVerdict.Accept, synDecision.Rule, HandshakeStep.Syn, Hops.Firewall,
                string.Join("; ", trail.Append("no SYN-ACK came back through the firewall")));
        }

        var replyDecision = PacketDecision.Of(reply, _firewallRules);
        if (!replyDecision.Accepted)
        {
            why = "";
            return Decided(HandshakeStep.SynAck, Hops.Firewall, replyDecision, trail);
        }

        trail.Add($"SYN-ACK accepted by {Name(replyDecision.Rule)}");
        if (hostIsSource && HostStop(HandshakeStep.SynAck, h => Is(h, destination, port, source, sourcePort, TcpFlags.Syn | TcpFlags.Ack), trail) is { } hostReplyIn)
        {
            why = "";
            return hostReplyIn;
        }

        // The source's first ACK. A connect-only probe notices only a reject of it (the RST or ICMP
        // error reaches its socket before the connect is seen complete); a protocol exchange needs it through.
        bool Counts(PacketDecision decision) => connection.Exchange || decision.Verdict == PacketVerdict.Reject;
        if (hostIsSource && HostStop(HandshakeStep.Ack, h => Is(h, source, sourcePort, null, null, TcpFlags.Ack), trail, Counts) is { } hostAckOut)
        {
            why = "";
            return hostAckOut;
        }

        // The source may use the same port towards other destinations at the same time: match all four.
        var ack = _firewall.FirstOrDefault(p => p.Sequence > reply.Sequence && Is(p.Header, source, sourcePort, destination, port, TcpFlags.Ack));
        if (ack is not null)
        {
            var ackDecision = PacketDecision.Of(ack, _firewallRules);
            if (!ackDecision.Accepted && Counts(ackDecision))
            {
                why = "";
                return Decided(HandshakeStep.Ack, Hops.Firewall, ackDecision, trail);
            }
        }

        if (hostIsDestination && HostStop(HandshakeStep.Ack, h => Is(h, source, sourcePort, realDestination, realPort, TcpFlags.Ack), trail, Counts) is { } hostAckIn)
        {
            why = "";
            return hostAckIn;
        }

        why = "";
        return new KernelDecision(PacketVerdict.Accept, synDecision.Rule, HandshakeStep.Syn, Hops.Firewall, string.Join("; ", trail.Append("every packet of the handshake passed")));
    }

    private bool HostRuns => _hostAddress is not null && _hostRules is not null;

    /// <summary>The host firewall's decision for the first matching packet in its trace; null when it accepted (or never saw it).</summary>
    private KernelDecision? HostStop(HandshakeStep step, Func<TracedHeader, bool> matches, List<string> trail, Func<PacketDecision, bool>? counts = null)
    {
        var packet = _host.FirstOrDefault(p => p.Passes.Any(pass => IsHostFirewall(pass) && matches(pass.Header)));
        if (packet is null)
        {
            return null;
        }

        var hostOnly = packet with { Passes = packet.Passes.Where(IsHostFirewall).ToList() };
        var decision = PacketDecision.Of(hostOnly, _hostRules!);
        if (decision.Accepted || counts?.Invoke(decision) == false)
        {
            trail.Add($"{step} {(decision.Accepted ? "accepted" : "not refused")} by the host firewall ({Name(decision.Rule)})");
            return null;
        }

        return Decided(step, Hops.Host, decision, trail);
    }

    /// <summary>The server's host firewall table around a fragment (CryptshareServerContainer.HostFirewallTable).</summary>
    public const string HostTable = "ctt_host";

    /// <summary>
    /// A pass through a table of the host firewall: one its listing names (the harness's table
    /// around a fragment, or every table of a whole ruleset), never the harness's trace table.
    /// Docker's own tables beside a fragment are not in its listing, so they do not count.
    /// </summary>
    private bool IsHostFirewall(TracedPass pass) => !HarnessTables.IsHarness(pass.Table) && _hostRules!.Defines(pass.Family, pass.Table);

    private static KernelDecision Decided(HandshakeStep step, string hop, PacketDecision decision, List<string> trail) =>
        new(decision.Verdict, decision.Rule, step, hop,
            string.Join("; ", trail.Append($"{step} {(decision.Verdict == PacketVerdict.Reject ? "rejected" : "dropped")} at the {hop} by {Name(decision.Rule)}")));

    private static bool Is(TracedHeader header, IPAddress? source, int? sourcePort, IPAddress? destination, int? destinationPort, TcpFlags flags) =>
        header.Protocol == 6 && header.Flags == flags
        && (source is null || source.Equals(header.Source))
        && (sourcePort is null || sourcePort == header.SourcePort)
        && (destination is null || destination.Equals(header.Destination))
        && (destinationPort is null || destinationPort == header.DestinationPort);

    private static string Name(RuleReference? rule) => rule?.ToString() ?? "no base chain";
}
