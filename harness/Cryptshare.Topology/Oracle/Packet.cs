using System.Net;
using System.Net.Sockets;

namespace Cryptshare.Topology.Oracle;

/// <summary>The transport protocols a packet can carry; the value is the IANA protocol number.</summary>
public enum IpProtocol
{
    Icmp = 1,
    Tcp = 6,
    Udp = 17,
    IcmpV6 = 58,
}

/// <summary>The conntrack state the firewall sees for the packet (what <c>ct state</c> matches).</summary>
public enum ConntrackState
{
    New,
    Established,
    Related,
    Invalid,
    Untracked,
}

/// <summary>The translations conntrack holds for a connection (what <c>ct status snat</c> / <c>dnat</c> match).</summary>
[Flags]
public enum ConntrackNat
{
    None = 0,
    Snat = 0x10,
    Dnat = 0x20,
}

/// <summary>Where the packet goes through the firewall host.</summary>
public enum HookPath
{
    /// <summary>Routed through the box: prerouting, forward, postrouting.</summary>
    Forward,

    /// <summary>Addressed to the box itself: prerouting, input.</summary>
    Input,

    /// <summary>Sent by the box itself: output, postrouting.</summary>
    Output,
}

/// <summary>TCP header flags, as nft names them.</summary>
[Flags]
public enum TcpFlags
{
    None = 0,
    Fin = 0x01,
    Syn = 0x02,
    Rst = 0x04,
    Psh = 0x08,
    Ack = 0x10,
    Urg = 0x20,
    Ecn = 0x40,
    Cwr = 0x80,
}

/// <summary>
/// One packet as the firewall sees it: the first packet of a connection unless <see cref="State"/>
/// says otherwise. Interfaces are the names the firewall gives them (zone names in the topology);
/// <see cref="OutputInterface"/> is the route for the original destination (it is recomputed by a
/// <see cref="IPacketRouting"/> when a DNAT changes the destination).
/// </summary>
public sealed record Packet
{
    public required IPAddress Source { get; init; }

    public required IPAddress Destination { get; init; }

    public required IpProtocol Protocol { get; init; }

    /// <summary>TCP/UDP source port; required when a rule reads it.</summary>
    public int? SourcePort { get; init; }

    /// <summary>TCP/UDP destination port; required when a rule reads it.</summary>
    public int? DestinationPort { get; init; }

    /// <summary>Ingress interface name; empty on the output path.</summary>
    public string InputInterface { get; init; } = "";

    /// <summary>Egress interface name; empty on the input path.</summary>
    public string OutputInterface { get; init; } = "";

    public ConntrackState State { get; init; } = ConntrackState.New;

    /// <summary>
    /// For a packet of an established connection: the translations conntrack holds for it (set up
    /// by the connection's first packet). Null: not known, so <c>ct status</c> gives an unknown
    /// verdict for it. A new packet's status comes from the NAT rules on its own path.
    /// </summary>
    public ConntrackNat? Nat { get; init; }

    /// <summary>
    /// For an established packet of a connection whose source was translated (masquerade, snat):
    /// the reply arrives addressed to the translated source, and conntrack restores
    /// <see cref="Destination"/> only at prerouting's NAT slot (priority -100), so prerouting chains
    /// before the slot see this address. Null: the packet arrives as it is.
    /// </summary>
    public IPAddress? DestinationBeforeNat { get; init; }

    public HookPath Path { get; init; } = HookPath.Forward;

    /// <summary>TCP flags of the packet; when not given, SYN for a new or related connection and ACK otherwise.</summary>
    public TcpFlags? TcpFlags { get; init; }

    /// <summary>ICMP / ICMPv6 type; when not given, echo-request.</summary>
    public int? IcmpType { get; init; }

    /// <summary>ICMP / ICMPv6 code; when not given, 0.</summary>
    public int? IcmpCode { get; init; }

    public AddressFamily Family => Source.AddressFamily;

    /// <summary>A new TCP connection routed from one interface to another (the common probe).</summary>
    public static Packet Tcp(string source, string destination, int destinationPort, string inputInterface, string outputInterface, int sourcePort = 40000) =>
        Ports(IpProtocol.Tcp, source, destination, destinationPort, inputInterface, outputInterface, sourcePort);

    /// <summary>A new UDP packet routed from one interface to another.</summary>
    public static Packet Udp(string source, string destination, int destinationPort, string inputInterface, string outputInterface, int sourcePort = 40000) =>
        Ports(IpProtocol.Udp, source, destination, destinationPort, inputInterface, outputInterface, sourcePort);

    /// <summary>The packet in the one-line notation of <see cref="PacketNotation"/>.</summary>
    public override string ToString() => PacketNotation.Format(this);

    private static Packet Ports(IpProtocol protocol, string source, string destination, int destinationPort, string inputInterface, string outputInterface, int sourcePort) => new()
    {
        Source = IPAddress.Parse(source),
        Destination = IPAddress.Parse(destination),
        Protocol = protocol,
        SourcePort = sourcePort,
        DestinationPort = destinationPort,
        InputInterface = inputInterface,
        OutputInterface = outputInterface,
    };
}
