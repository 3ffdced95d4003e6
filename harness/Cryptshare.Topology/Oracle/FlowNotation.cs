using System.Globalization;
using System.Net;
using System.Text;

namespace Cryptshare.Topology.Oracle;

/// <summary>
/// A flow on one line, for data files, reports and reproductions:
/// <c>tcp 10.77.1.10:40000 -> 10.77.2.10:443 iif internet oif dmz [ct established] [path input]
/// [nat dnat,snat|none] [arrives-to ADDRESS] [flags syn,ack] [icmp-type echo-request] [icmp-code 0]</c>. IPv6 addresses with a port go in
/// brackets (<c>[2001:db8::1]:443</c>); ICMP flows have no ports. Omitted: state new, path forward.
/// </summary>
public static class FlowNotation
{
    public static string Format(Flow flow)
    {
        var text = new StringBuilder();
        text.Append(ProtocolName(flow.Protocol)).Append(' ')
            .Append(Endpoint(flow.Source, flow.SourcePort)).Append(" -> ")
            .Append(Endpoint(flow.Destination, flow.DestinationPort));
        if (flow.InputInterface.Length > 0)
        {
            text.Append(" iif ").Append(flow.InputInterface);
        }

        if (flow.OutputInterface.Length > 0)
        {
            text.Append(" oif ").Append(flow.OutputInterface);
        }

        if (flow.State != ConntrackState.New)
        {
            text.Append(" ct ").Append(flow.State.ToString().ToLowerInvariant());
        }

        if (flow.Nat is { } nat)
        {
            text.Append(" nat ").Append(nat == ConntrackNat.None ? "none" : string.Join(',', Enum.GetValues<ConntrackNat>().Where(n => n != ConntrackNat.None && nat.HasFlag(n)).Select(n => n.ToString().ToLowerInvariant())));
        }

        if (flow.DestinationBeforeNat is { } arriving)
        {
            text.Append(" arrives-to ").Append(arriving);
        }

        if (flow.Path != HookPath.Forward)
        {
            text.Append(" path ").Append(flow.Path.ToString().ToLowerInvariant());
        }

        if (flow.TcpFlags is { } flags)
        {
            text.Append(" flags ").Append(FlagNames(flags));
        }

        if (flow.IcmpType is { } type)
        {
            text.Append(" icmp-type ").Append(type.ToString(CultureInfo.InvariantCulture));
        }

        if (flow.IcmpCode is { } code)
        {
            text.Append(" icmp-code ").Append(code.ToString(CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    /// <summary>Reads the notation; throws <see cref="FormatException"/> naming the part it could not read.</summary>
    public static Flow Parse(string text)
    {
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length < 4 || words[2] != "->")
        {
            throw new FormatException($"flow '{text}': expected '<protocol> <source> -> <destination> …'");
        }

        var protocol = ParseProtocol(words[0], text);
        var (source, sourcePort) = ParseEndpoint(words[1], text);
        var (destination, destinationPort) = ParseEndpoint(words[3], text);
        if (source.AddressFamily != destination.AddressFamily)
        {
            throw new FormatException($"flow '{text}': source and destination are of different address families");
        }

        var flow = new Flow
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
                throw new FormatException($"flow '{text}': '{words[i]}' needs a value");
            }

            var value = words[i + 1];
            flow = words[i] switch
            {
                "iif" => flow with { InputInterface = value },
                "oif" => flow with { OutputInterface = value },
                "ct" => flow with { State = ParseEnum<ConntrackState>(value, text) },
                "path" => flow with { Path = ParseEnum<HookPath>(value, text) },
                "arrives-to" => flow with { DestinationBeforeNat = IPAddress.TryParse(value, out var arriving) ? arriving : throw new FormatException($"flow '{text}': '{value}' is not an address") },
                "nat" => flow with { Nat = value.Split(',').Aggregate(ConntrackNat.None, (all, name) => all | ParseEnum<ConntrackNat>(name, text)) },
                "flags" => flow with { TcpFlags = ParseFlags(value, text) },
                "icmp-type" => flow with { IcmpType = ParseIcmpType(value, protocol, text) },
                "icmp-code" => flow with { IcmpCode = ParseNumber(value, text) },
                _ => throw new FormatException($"flow '{text}': unknown word '{words[i]}'"),
            };
        }

        return flow;
    }

    internal static string ProtocolName(FlowProtocol protocol) => protocol switch
    {
        FlowProtocol.IcmpV6 => "icmpv6",
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

        throw new FormatException($"flow '{text}': '{word}' is not an address or address:port");
    }

    private static FlowProtocol ParseProtocol(string word, string text) => word switch
    {
        "tcp" => FlowProtocol.Tcp,
        "udp" => FlowProtocol.Udp,
        "icmp" => FlowProtocol.Icmp,
        "icmpv6" => FlowProtocol.IcmpV6,
        _ => throw new FormatException($"flow '{text}': unknown protocol '{word}' (tcp, udp, icmp, icmpv6)"),
    };

    private static T ParseEnum<T>(string word, string text)
        where T : struct, Enum =>
        Enum.TryParse<T>(word, ignoreCase: true, out var value) && !char.IsDigit(word[0])
            ? value
            : throw new FormatException($"flow '{text}': '{word}' is not one of {string.Join(", ", Enum.GetNames<T>()).ToLowerInvariant()}");

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

    private static int ParseIcmpType(string word, FlowProtocol protocol, string text)
    {
        if (int.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        var table = protocol == FlowProtocol.IcmpV6 ? Compile.NftSymbols.Icmpv6Types : Compile.NftSymbols.IcmpTypes;
        return table.TryGetValue(word, out var value)
            ? (int)value
            : throw new FormatException($"flow '{text}': unknown ICMP type '{word}'");
    }

    private static int ParseNumber(string word, string text) =>
        int.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new FormatException($"flow '{text}': '{word}' is not a number");
}
