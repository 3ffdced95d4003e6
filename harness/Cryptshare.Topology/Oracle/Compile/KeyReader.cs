using System.Text.Json;
using Cryptshare.Topology.Oracle.Runtime;

namespace Cryptshare.Topology.Oracle.Compile;

/// <summary>Reads the left side of a match (or a map key) into a <see cref="Key"/>; what it does not model throws <see cref="NotModelledException"/>.</summary>
internal static class KeyReader
{
    private static readonly Dictionary<string, int> PortProtocols = new()
    {
        ["tcp"] = 6, ["udp"] = 17, ["udplite"] = 136, ["sctp"] = 132, ["dccp"] = 33, ["th"] = Key.PortProtocol,
    };

    /// <summary>True for <c>ct status</c>, which has its own condition (only its snat/dnat bits are modelled).</summary>
    public static bool IsCtStatus(JsonElement left) =>
        left.ValueKind == JsonValueKind.Object && left.TryGetProperty("ct", out var ct)
        && ct.TryGetProperty("key", out var key) && key.GetString() == "status" && !ct.TryGetProperty("dir", out _);

    public static Key Read(JsonElement left)
    {
        if (left.ValueKind != JsonValueKind.Object)
        {
            throw new NotModelledException($"match on {Text.RuleText.Expression(left)}");
        }

        var property = left.EnumerateObject().FirstOrDefault();
        return property.Name switch
        {
            "payload" => Payload(property.Value, left),
            "meta" => Meta(property.Value, left),
            "ct" => Ct(property.Value, left),
            "fib" => Fib(property.Value, left),
            _ => throw new NotModelledException($"'{Text.RuleText.Expression(left)}'"),
        };
    }

    private static Key Payload(JsonElement payload, JsonElement left)
    {
        if (!payload.TryGetProperty("protocol", out var protocolValue) || !payload.TryGetProperty("field", out var fieldValue))
        {
            throw new NotModelledException($"raw payload '{Text.RuleText.Expression(left)}'");
        }

        var protocol = protocolValue.GetString();
        var field = fieldValue.GetString();
        var text = $"{protocol} {field}";
        switch (protocol, field)
        {
            case ("ip", "saddr"):
                return new Key(KeyField.Source, 4, Key.AnyProtocol, ValueKind.Ipv4, text);
            case ("ip", "daddr"):
                return new Key(KeyField.Destination, 4, Key.AnyProtocol, ValueKind.Ipv4, text);
            case ("ip", "protocol"):
                return new Key(KeyField.Protocol, 4, Key.AnyProtocol, ValueKind.Protocol, text);
            case ("ip6", "saddr"):
                return new Key(KeyField.Source, 6, Key.AnyProtocol, ValueKind.Ipv6, text);
            case ("ip6", "daddr"):
                return new Key(KeyField.Destination, 6, Key.AnyProtocol, ValueKind.Ipv6, text);
            case ("ip6", "nexthdr"):
                // The flows carry no extension headers, so the first next header is the transport protocol.
                return new Key(KeyField.Protocol, 6, Key.AnyProtocol, ValueKind.Protocol, text);
            case ("tcp", "flags"):
                return new Key(KeyField.TcpFlags, 0, 6, ValueKind.TcpFlags, text);
            case ("icmp", "type"):
                return new Key(KeyField.IcmpType, 4, 1, ValueKind.IcmpType, text);
            case ("icmp", "code"):
                return new Key(KeyField.IcmpCode, 4, 1, ValueKind.IcmpCode, text);
            case ("icmpv6", "type"):
                return new Key(KeyField.IcmpType, 6, 58, ValueKind.Icmpv6Type, text);
            case ("icmpv6", "code"):
                return new Key(KeyField.IcmpCode, 6, 58, ValueKind.IcmpCode, text);
        }

        if (protocol is not null && PortProtocols.TryGetValue(protocol, out var number) && field is "sport" or "dport")
        {
            return new Key(field == "sport" ? KeyField.SourcePort : KeyField.DestinationPort, 0, number, ValueKind.Port, text);
        }

        throw new NotModelledException($"'{text}'");
    }

    private static Key Meta(JsonElement meta, JsonElement left)
    {
        var key = meta.TryGetProperty("key", out var k) ? k.GetString() : null;
        var text = Text.RuleText.Expression(left);
        return key switch
        {
            "l4proto" => new Key(KeyField.Protocol, 0, Key.AnyProtocol, ValueKind.Protocol, text),
            "nfproto" => new Key(KeyField.NfProto, 0, Key.AnyProtocol, ValueKind.NfProto, text),
            "protocol" => new Key(KeyField.EtherType, 0, Key.AnyProtocol, ValueKind.EtherType, text),
            "iifname" => new Key(KeyField.InputInterface, 0, Key.AnyProtocol, ValueKind.InterfaceName, text),
            "oifname" => new Key(KeyField.OutputInterface, 0, Key.AnyProtocol, ValueKind.InterfaceName, text),
            // iif/oif compare the interface index, which nft prints as the interface's name when it
            // exists: as long as no interface is renamed after the rule set is loaded (the firewall
            // names its interfaces at boot), that is the same as comparing the name.
            "iif" => new Key(KeyField.InputInterface, 0, Key.AnyProtocol, ValueKind.InterfaceName, text),
            "oif" => new Key(KeyField.OutputInterface, 0, Key.AnyProtocol, ValueKind.InterfaceName, text),
            "pkttype" => new Key(KeyField.PacketType, 0, Key.AnyProtocol, ValueKind.PacketType, text),
            "mark" => new Key(KeyField.Mark, 0, Key.AnyProtocol, ValueKind.Integer, text),
            _ => throw new NotModelledException($"'{text}'"),
        };
    }

    private static Key Ct(JsonElement ct, JsonElement left)
    {
        var key = ct.TryGetProperty("key", out var k) ? k.GetString() : null;
        if (key == "state" && !ct.TryGetProperty("dir", out _))
        {
            return new Key(KeyField.CtState, 0, Key.AnyProtocol, ValueKind.CtState, "ct state");
        }

        if (key == "mark" && !ct.TryGetProperty("dir", out _))
        {
            return new Key(KeyField.CtMark, 0, Key.AnyProtocol, ValueKind.Integer, "ct mark");
        }

        throw new NotModelledException($"'{Text.RuleText.Expression(left)}'");
    }

    /// <summary>
    /// <c>fib saddr type</c>, <c>fib daddr type</c> (iptables' addrtype): the address's route type,
    /// known for IPv4 addresses (an IPv6 packet's reads as unknown). With <c>iif</c>/<c>oif</c> flags, or another result (oif, oifname), not modelled.
    /// </summary>
    private static Key Fib(JsonElement fib, JsonElement left)
    {
        var result = fib.TryGetProperty("result", out var r) ? r.GetString() : null;
        var flags = fib.TryGetProperty("flags", out var f)
            ? f.ValueKind == JsonValueKind.Array ? f.EnumerateArray().Select(e => e.GetString()).ToList() : [f.GetString()]
            : [];
        return (result, flags) switch
        {
            ("type", ["saddr"]) => new Key(KeyField.FibSourceType, 0, Key.AnyProtocol, ValueKind.FibAddrType, "fib saddr type"),
            ("type", ["daddr"]) => new Key(KeyField.FibDestinationType, 0, Key.AnyProtocol, ValueKind.FibAddrType, "fib daddr type"),
            _ => throw new NotModelledException($"'{Text.RuleText.Expression(left)}'"),
        };
    }
}
