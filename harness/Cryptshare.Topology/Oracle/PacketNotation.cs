using System.Globalization;
using System.Net;
using System.Text;

namespace Cryptshare.Topology.Oracle;

/// <summary>
/// A packet on one line, for data files, reports and reproductions:
/// <c>tcp 10.77.1.10:40000 -> 10.77.2.10:443 iif internet oif dmz [ct established] [path input]
/// [nat dnat,snat|none] [arrives-to ADDRESS] [flags syn,ack] [icmp-type echo-request] [icmp-code 0]</c>. IPv6 addresses with a port go in
/// brackets (<c>[2001:db8::1]:443</c>); ICMP packets have no ports. Omitted: state new, path forward.
/// </summary>
public static class PacketNotation
{
    public static string Format(Packet packet)
    {
        var text = new StringBuilder();
        text.Append(ProtocolName(packet.Protocol)).Append(' ')
            .Append(Endpoint(packet.Source, packet.SourcePort)).Append(" -> ")
            .Append(Endpoint(packet.Destination, packet.DestinationPort));
        if (packet.InputInterface.Length > 0)
        {
            text.Append(" iif ").Append(packet.InputInterface);
        }

        if (packet.OutputInterface.Length > 0)
        {
            text.Append(" oif ").Append(packet.OutputInterface);
        }

        if (packet.State != ConntrackState.New)
        {
            text.Append(" ct ").Append(packet.State.ToString().ToLowerInvariant());
        }

        if (packet.Nat is { } nat)
        {
            text.Append(" nat ").Append(nat == ConntrackNat.None ? "none" : string.Join(',', Enum.GetValues<ConntrackNat>().Where(n => n != ConntrackNat.None && nat.HasFlag(n)).Select(n => n.ToString().ToLowerInvariant())));
        }

        if (packet.DestinationBeforeNat is { } arriving)
        {
            text.Append(" arrives-to ").Append(arriving);
        }

        if (packet.Path != HookPath.Forward)
        {
            text.Append(" path ").Append(packet.Path.ToString().ToLowerInvariant());
        }

        if (packet.TcpFlags is { } flags)
        {
            text.Append(" flags ").Append(FlagNames(flags));
        }

        if (packet.IcmpType is { } type)
        {
            text.Append(" icmp-type ").Append(type.ToString(CultureInfo.InvariantCulture));
        }

        if (packet.IcmpCode is { } code)
        {
            text.Append(" icmp-code ").Append(code.ToString(CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    /// <summary>Reads the notation; throws <see cref="FormatException"/> naming the part it could not read.</summary>
    public static Packet Parse(string text)
    {
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length < 4 || words[2] != "->")
        {
            throw new FormatException($"packet '{text}': expected '<protocol> <source> -> <destination> …'");
        }

        var protocol = ParseProtocol(words[0], text);
        var (source, sourcePort) = ParseEndpoint(words[1], text);
        var (destination, destinationPort) = ParseEndpoint(words[3], text);
        if (source.AddressFamily != destination.AddressFamily)
        {
            throw new FormatException($"packet '{text}': source and destination are of different address families");
        }

        var packet = new Packet
        {
            Source = source,
            Destination = destination,
            Protocol = protocol,
            SourcePort = sourcePort,
            DestinationPort = destinationPort,
        };
        for (var i = 4; i < words.Length; i += 2)
        {
            if (i + 1 >= words.Length)
            {
                throw new FormatException($"packet '{text}': '{words[i]}' needs a value");
            }

            var value = words[i + 1];
            packet = words[i] switch
            {
                "iif" => packet with { InputInterface = value },
                "oif" => packet with { OutputInterface = value },
                "ct" => packet with { State = ParseEnum<ConntrackState>(value, text) },
                "path" => packet with { Path = ParseEnum<HookPath>(value, text) },
                "arrives-to" => packet with { DestinationBeforeNat = IPAddress.TryParse(value, out var arriving) ? arriving : throw new FormatException($"packet '{text}': '{value}' is not an address") },
                "nat" => packet with { Nat = value.Split(',').Aggregate(ConntrackNat.None, (all, name) => all | ParseEnum<ConntrackNat>(name, text)) },
                "flags" => packet with { TcpFlags = ParseFlags(value, text) },
                "icmp-type" => packet with { IcmpType = ParseIcmpType(value, protocol, text) },
                "icmp-code" => packet with { IcmpCode = ParseNumber(value, text) },
                _ => throw new FormatException($"packet '{text}': unknown word '{words[i]}'"),
            };
        }

        return packet;
    }

    internal static string ProtocolName(IpProtocol protocol) => protocol switch
    {
        IpProtocol.IcmpV6 => "icmpv6",
        _ => protocol.ToString().ToLowerInvariant(),
    };

    private static string Endpoint(IPAddress address, int? port)
    {
        if (port is null)
        {
            return address.ToString();
        }

        var host = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
        return host + ":" + port.Value.ToString(CultureInfo.InvariantCulture);
    }

    private static (IPAddress Address, int? Port) ParseEndpoint(string word, string text)
    {
        if (IPAddress.TryParse(word, out var bare) && !word.StartsWith('['))
        {
            return (bare, null);
        }

        if (IPEndPoint.TryParse(word, out var endpoint) && (word.Contains('.') || word.StartsWith('[')))
        {
            return (endpoint.Address, endpoint.Port);
        }

        throw new FormatException($"packet '{text}': '{word}' is not an address or address:port");
    }

    private static IpProtocol ParseProtocol(string word, string text) => word switch
    {
        "tcp" => IpProtocol.Tcp,
        "udp" => IpProtocol.Udp,
        "icmp" => IpProtocol.Icmp,
        "icmpv6" => IpProtocol.IcmpV6,
        _ => throw new FormatException($"packet '{text}': unknown protocol '{word}' (tcp, udp, icmp, icmpv6)"),
    };

    private static T ParseEnum<T>(string word, string text)
        where T : struct, Enum =>
        Enum.TryParse<T>(word, ignoreCase: true, out var value) && !char.IsDigit(word[0])
            ? value
            : throw new FormatException($"packet '{text}': '{word}' is not one of {string.Join(", ", Enum.GetNames<T>()).ToLowerInvariant()}");

    private static TcpFlags ParseFlags(string word, string text)
    {
        var flags = TcpFlags.None;
        foreach (var name in word.Split(','))
        {
            flags |= ParseEnum<TcpFlags>(name, text);
        }

        return flags;
    }

    private static string FlagNames(TcpFlags flags) =>
        flags == TcpFlags.None
            ? "none"
            : string.Join(',', Enum.GetValues<TcpFlags>().Where(f => f != TcpFlags.None && flags.HasFlag(f)).Select(f => f.ToString().ToLowerInvariant()));

    private static int ParseIcmpType(string word, IpProtocol protocol, string text)
    {
        if (int.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        var table = protocol == IpProtocol.IcmpV6 ? Compile.NftSymbols.Icmpv6Types : Compile.NftSymbols.IcmpTypes;
        return table.TryGetValue(word, out var value)
            ? (int)value
            : throw new FormatException($"packet '{text}': unknown ICMP type '{word}'");
    }

    private static int ParseNumber(string word, string text) =>
        int.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new FormatException($"packet '{text}': '{word}' is not a number");
}
