using Cryptshare.Topology.Oracle.Runtime;

namespace Cryptshare.Topology.Oracle.Compile;

/// <summary>The symbolic constants nft prints in its JSON, by datatype (nft's datatype.c / proto.c names).</summary>
internal static class NftSymbols
{
    public static readonly IReadOnlyDictionary<string, ulong> Protocols = new Dictionary<string, ulong>
    {
        ["hopopt"] = 0, ["icmp"] = 1, ["igmp"] = 2, ["ipip"] = 4, ["ipencap"] = 4, ["tcp"] = 6, ["egp"] = 8, ["udp"] = 17,
        ["dccp"] = 33, ["ipv6"] = 41, ["gre"] = 47, ["esp"] = 50, ["ah"] = 51, ["ipv6-icmp"] = 58, ["icmpv6"] = 58,
        ["ospf"] = 89, ["comp"] = 108, ["vrrp"] = 112, ["l2tp"] = 115, ["sctp"] = 132, ["udplite"] = 136,
    };

    /// <summary>Protocols whose transport header starts with 16-bit source and destination ports (what <c>th</c> reads).</summary>
    public static bool HasPorts(int protocol) => protocol is 6 or 17 or 33 or 132 or 136;

    public static readonly IReadOnlyDictionary<string, ulong> NfProtos = new Dictionary<string, ulong>
    {
        ["ipv4"] = 2, ["ipv6"] = 10,
    };

    public static readonly IReadOnlyDictionary<string, ulong> EtherTypes = new Dictionary<string, ulong>
    {
        ["ip"] = 0x0800, ["arp"] = 0x0806, ["ip6"] = 0x86dd, ["vlan"] = 0x8100, ["8021ad"] = 0x88a8,
    };

    public static readonly IReadOnlyDictionary<string, ulong> CtStates = new Dictionary<string, ulong>
    {
        ["invalid"] = PacketFields.CtInvalid, ["established"] = PacketFields.CtEstablished, ["related"] = PacketFields.CtRelated, ["new"] = PacketFields.CtNew, ["untracked"] = PacketFields.CtUntracked,
    };

    public static readonly IReadOnlyDictionary<string, ulong> CtStatuses = new Dictionary<string, ulong>
    {
        ["expected"] = 1, ["seen-reply"] = 2, ["assured"] = 4, ["confirmed"] = 8, ["snat"] = (ulong)ConntrackNat.Snat, ["dnat"] = (ulong)ConntrackNat.Dnat, ["dying"] = 512,
    };

    public static readonly IReadOnlyDictionary<string, ulong> TcpFlags = new Dictionary<string, ulong>
    {
        ["fin"] = (ulong)Oracle.TcpFlags.Fin, ["syn"] = (ulong)Oracle.TcpFlags.Syn, ["rst"] = (ulong)Oracle.TcpFlags.Rst, ["psh"] = (ulong)Oracle.TcpFlags.Psh,
        ["ack"] = (ulong)Oracle.TcpFlags.Ack, ["urg"] = (ulong)Oracle.TcpFlags.Urg, ["ecn"] = (ulong)Oracle.TcpFlags.Ecn, ["cwr"] = (ulong)Oracle.TcpFlags.Cwr,
    };

    public static readonly IReadOnlyDictionary<string, ulong> IcmpTypes = new Dictionary<string, ulong>
    {
        ["echo-reply"] = 0, ["destination-unreachable"] = 3, ["source-quench"] = 4, ["redirect"] = 5, ["echo-request"] = 8,
        ["router-advertisement"] = 9, ["router-solicitation"] = 10, ["time-exceeded"] = 11, ["parameter-problem"] = 12,
        ["timestamp-request"] = 13, ["timestamp-reply"] = 14, ["info-request"] = 15, ["info-reply"] = 16,
        ["address-mask-request"] = 17, ["address-mask-reply"] = 18,
    };

    public static readonly IReadOnlyDictionary<string, ulong> Icmpv6Types = new Dictionary<string, ulong>
    {
        ["destination-unreachable"] = 1, ["packet-too-big"] = 2, ["time-exceeded"] = 3, ["parameter-problem"] = 4,
        ["echo-request"] = 128, ["echo-reply"] = 129, ["mld-listener-query"] = 130, ["mld-listener-report"] = 131,
        ["mld-listener-done"] = 132, ["mld-listener-reduction"] = 132, ["nd-router-solicit"] = 133, ["nd-router-advert"] = 134,
        ["nd-neighbor-solicit"] = 135, ["nd-neighbor-advert"] = 136, ["nd-redirect"] = 137, ["router-renumbering"] = 138,
        ["ind-neighbor-solicit"] = 141, ["ind-neighbor-advert"] = 142, ["mld2-listener-report"] = 143,
    };

    public static readonly IReadOnlyDictionary<string, ulong> IcmpCodes = new Dictionary<string, ulong>
    {
        ["net-unreachable"] = 0, ["host-unreachable"] = 1, ["prot-unreachable"] = 2, ["port-unreachable"] = 3,
        ["frag-needed"] = 4, ["net-prohibited"] = 9, ["host-prohibited"] = 10, ["admin-prohibited"] = 13,
    };

    public static readonly IReadOnlyDictionary<string, ulong> PacketTypes = new Dictionary<string, ulong>
    {
        ["host"] = 0, ["unicast"] = 0, ["broadcast"] = 1, ["multicast"] = 2, ["other"] = 3,
    };

    /// <summary>The kernel's route types (RTN_*), as <c>fib … type</c> names them.</summary>
    public static readonly IReadOnlyDictionary<string, ulong> FibAddrTypes = new Dictionary<string, ulong>
    {
        ["unspec"] = 0, ["unicast"] = 1, ["local"] = 2, ["broadcast"] = 3, ["anycast"] = 4, ["multicast"] = 5,
        ["blackhole"] = 6, ["unreachable"] = 7, ["prohibit"] = 8, ["throw"] = 9, ["nat"] = 10, ["xresolve"] = 11,
    };

    /// <summary>Services nft might print by name; it prints numbers by default.</summary>
    public static readonly IReadOnlyDictionary<string, ulong> Services = new Dictionary<string, ulong>
    {
        ["ftp"] = 21, ["ssh"] = 22, ["telnet"] = 23, ["smtp"] = 25, ["domain"] = 53, ["http"] = 80, ["pop3"] = 110,
        ["ntp"] = 123, ["imap"] = 143, ["ldap"] = 389, ["https"] = 443, ["submissions"] = 465, ["smtps"] = 465,
        ["submission"] = 587, ["ldaps"] = 636, ["imaps"] = 993, ["pop3s"] = 995,
    };
}
