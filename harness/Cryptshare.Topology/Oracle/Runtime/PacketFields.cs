using System.Net;
using System.Net.Sockets;
using Cryptshare.Topology.Oracle.Compile;

namespace Cryptshare.Topology.Oracle.Runtime;

/// <summary>Fields a translation changed to a value the rule set alone does not fix.</summary>
[Flags]
internal enum UnknownFields : byte
{
    None = 0,
    Source = 1,
    Destination = 2,
    SourcePort = 4,
    DestinationPort = 8,
}

/// <summary>
/// The packet as the rules read it, in numbers: addresses as big-endian integers (IPv4 in the low 32
/// bits), ports -1 when the protocol has none or the flow gave none, ct state as nft's bit.
/// </summary>
internal struct PacketFields
{
    /// <summary>nft's ct state bits (what <c>ct state</c> compares).</summary>
    public const int CtInvalid = 1, CtEstablished = 2, CtRelated = 4, CtNew = 8, CtUntracked = 64;

    public int Family;
    public int Protocol;
    public UInt128 Source;
    public UInt128 Destination;
    public int SourcePort;
    public int DestinationPort;
    public string InputInterface;
    public string OutputInterface;
    public int CtState;
    public int TcpFlags;
    public int IcmpType;
    public int IcmpCode;
    public UnknownFields Unknown;

    /// <summary>The packet's mark (<c>meta mark</c>): 0 as it arrives, changed by <c>meta mark set</c>; unknown after a set the oracle cannot compute.</summary>
    public uint Mark;

    public bool MarkKnown;

    /// <summary>The connection's mark (<c>ct mark</c>) as this packet sees it.</summary>
    public uint CtMark;

    public bool CtMarkKnown;

    /// <summary>The route types (<c>fib saddr type</c>, <c>fib daddr type</c>, nft's number) of the addresses; -1 when not known.</summary>
    public int SourceType;

    public int DestinationType;

    /// <summary>ct status bits the NAT steps so far have set (<see cref="ConntrackNat"/>: snat, dnat).</summary>
    public int NatStatus;

    /// <summary>For a reply of a source-translated connection: the destination it arrives with, until prerouting's NAT slot restores <see cref="Destination"/>.</summary>
    public UInt128? DestinationBeforeNat;

    /// <summary>Whether <see cref="NatStatus"/> is known: always for a new packet, for another only when the flow gave its connection's translations.</summary>
    public bool NatStatusKnown;

    public HookPath Path;

    public static PacketFields From(Packet flow)
    {
        var family = flow.Source.AddressFamily == AddressFamily.InterNetworkV6 ? 6 : 4;
        if ((flow.Destination.AddressFamily == AddressFamily.InterNetworkV6 ? 6 : 4) != family
            || (flow.DestinationBeforeNat is { } before && (before.AddressFamily == AddressFamily.InterNetworkV6 ? 6 : 4) != family))
        {
            throw new ArgumentException($"flow {flow}: source and destination are of different address families", nameof(flow));
        }

        var protocol = (int)flow.Protocol;
        var isNewish = flow.State is ConntrackState.New or ConntrackState.Related;
        return new PacketFields
        {
            Family = family,
            Protocol = protocol,
            Source = ToNumber(flow.Source),
            Destination = ToNumber(flow.Destination),
            DestinationBeforeNat = !isNewish && flow.DestinationBeforeNat is { } arriving ? ToNumber(arriving) : null,
            SourcePort = NftSymbols.HasPorts(protocol) ? flow.SourcePort ?? -1 : -1,
            DestinationPort = NftSymbols.HasPorts(protocol) ? flow.DestinationPort ?? -1 : -1,
            InputInterface = flow.Path == HookPath.Output ? "" : flow.InputInterface,
            OutputInterface = flow.Path == HookPath.Input ? "" : flow.OutputInterface,
            CtState = CtStateBit(flow.State),
            NatStatus = isNewish ? 0 : (int)(flow.Nat ?? ConntrackNat.None),
            NatStatusKnown = isNewish || flow.Nat is not null,
            TcpFlags = protocol != 6 ? -1 : flow.TcpFlags is { } flags ? (int)flags : isNewish ? (int)Oracle.TcpFlags.Syn : flow.State == ConntrackState.Established ? (int)Oracle.TcpFlags.Ack : -1,
            IcmpType = protocol is 1 or 58 ? flow.IcmpType ?? (protocol == 1 ? 8 : 128) : -1,
            IcmpCode = protocol is 1 or 58 ? flow.IcmpCode ?? 0 : -1,
            Path = flow.Path,
            MarkKnown = true,
            SourceType = -1,
            DestinationType = -1,
        };
    }

    /// <summary>
    /// Sets what depends on the firewall rather than on the packet: the route types of its
    /// addresses, and whether the connection's mark is known (0 for a new connection; for a later
    /// packet only when no rule ever sets one).
    /// </summary>
    public void Prepare(IPacketRouting? routing, bool ruleSetSetsCtMark)
    {
        SourceType = AddressTypeOf(Source, Family, routing);
        DestinationType = AddressTypeOf(Destination, Family, routing);
        CtMark = 0;
        CtMarkKnown = IsFirstOfConnection || !ruleSetSetsCtMark;
    }

    /// <summary>An address's route type for <c>fib … type</c>: fixed classes first (the kernel checks them before any table), then the routing's.</summary>
    public static int AddressTypeOf(UInt128 address, int family, IPacketRouting? routing)
    {
        if (family != 4)
        {
            return -1;
        }

        var v4 = (uint)address;
        if (v4 >> 24 == 0 || v4 == uint.MaxValue)
        {
            return (int)NftSymbols.FibAddrTypes["broadcast"];
        }

        if (v4 >> 28 == 0xe)
        {
            return (int)NftSymbols.FibAddrTypes["multicast"];
        }

        if (v4 >> 24 == 127)
        {
            return (int)NftSymbols.FibAddrTypes["local"];
        }

        return routing?.AddressType(ToAddress(address, 4)) is { } type && NftSymbols.FibAddrTypes.TryGetValue(type, out var number) ? (int)number : -1;
    }

    /// <summary>The first packet of a connection (new or related): the one NAT chains see, and whose ct status the path so far decides.</summary>
    public readonly bool IsFirstOfConnection => CtState is CtNew or CtRelated;

    public static int CtStateBit(ConntrackState state) => state switch
    {
        ConntrackState.Invalid => CtInvalid,
        ConntrackState.Established => CtEstablished,
        ConntrackState.Related => CtRelated,
        ConntrackState.New => CtNew,
        _ => CtUntracked,
    };

    public static UInt128 ToNumber(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        UInt128 value = 0;
        for (var i = 0; i < written; i++)
        {
            value = (value << 8) | bytes[i];
        }

        return value;
    }

    public static IPAddress ToAddress(UInt128 value, int family)
    {
        var length = family == 6 ? 16 : 4;
        var bytes = new byte[length];
        for (var i = length - 1; i >= 0; i--)
        {
            bytes[i] = (byte)(value & 0xff);
            value >>= 8;
        }

        return new IPAddress(bytes);
    }
}
