namespace Cryptshare.Topology.Oracle.Compile;

/// <summary>The nft datatype of a key or set component, which says how to read its values.</summary>
internal enum ValueKind
{
    Unsupported,
    Ipv4,
    Ipv6,
    Port,
    Protocol,
    NfProto,
    EtherType,
    InterfaceName,
    CtState,
    CtStatus,
    TcpFlags,
    IcmpType,
    Icmpv6Type,
    IcmpCode,
    PacketType,
    Integer,
    Verdict,

    /// <summary>What <c>fib saddr type</c> / <c>fib daddr type</c> compare: the kernel's route types.</summary>
    FibAddrType,
}

internal static class ValueKinds
{
    /// <summary>A set's or map's declared type, by nft's datatype name.</summary>
    public static ValueKind FromTypeName(string name) => name switch
    {
        "ipv4_addr" => ValueKind.Ipv4,
        "ipv6_addr" => ValueKind.Ipv6,
        "inet_service" => ValueKind.Port,
        "inet_proto" => ValueKind.Protocol,
        "nf_proto" => ValueKind.NfProto,
        "ether_type" => ValueKind.EtherType,
        "ifname" or "iface_index" => ValueKind.InterfaceName,
        "ct_state" => ValueKind.CtState,
        "ct_status" => ValueKind.CtStatus,
        "tcp_flag" => ValueKind.TcpFlags,
        "icmp_type" => ValueKind.IcmpType,
        "icmpv6_type" => ValueKind.Icmpv6Type,
        "icmp_code" or "icmpv6_code" or "icmpx_code" => ValueKind.IcmpCode,
        "pkt_type" => ValueKind.PacketType,
        "mark" or "integer" => ValueKind.Integer,
        "fib_addrtype" => ValueKind.FibAddrType,
        "verdict" => ValueKind.Verdict,
        _ => ValueKind.Unsupported,
    };

    /// <summary>Types whose values are bit sets: a bare value matches when any of its bits is set.</summary>
    public static bool IsFlags(ValueKind kind) => kind is ValueKind.CtState or ValueKind.CtStatus or ValueKind.TcpFlags;

    /// <summary>The largest value of the type (the domain a negation complements).</summary>
    public static UInt128 MaxValue(ValueKind kind) => kind switch
    {
        ValueKind.Ipv4 => uint.MaxValue,
        ValueKind.Ipv6 => UInt128.MaxValue,
        ValueKind.Port or ValueKind.EtherType => ushort.MaxValue,
        ValueKind.Protocol or ValueKind.NfProto or ValueKind.TcpFlags or ValueKind.IcmpType or ValueKind.Icmpv6Type
            or ValueKind.IcmpCode or ValueKind.PacketType or ValueKind.FibAddrType => byte.MaxValue,
        _ => uint.MaxValue,
    };
}
