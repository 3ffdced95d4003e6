using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Cryptshare.Topology.Oracle.Runtime;

namespace Cryptshare.Topology.Oracle.Compile;

/// <summary>Thrown while compiling a construct the oracle does not model; becomes an <c>unknown</c> step naming it.</summary>
internal sealed class NotModelledException(string reason) : Exception(reason);

/// <summary>Reads the right-hand values of nft's JSON (numbers, symbols, addresses, prefixes, ranges) for a datatype.</summary>
internal static class ValueReader
{
    /// <summary>One value: a number, a symbol, an address, or a flag combination (<c>["syn","ack"]</c>, <c>{"|": …}</c>).</summary>
    public static UInt128 Scalar(JsonElement value, ValueKind kind)
    {
        if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("elem", out var elem))
        {
            return Scalar(elem.GetProperty("val"), kind);
        }

        if (value.ValueKind == JsonValueKind.Array || (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("|", out _)))
        {
            var items = value.ValueKind == JsonValueKind.Array ? value : value.GetProperty("|");
            UInt128 combined = 0;
            foreach (var item in items.EnumerateArray())
            {
                combined |= Scalar(item, kind);
            }

            return combined;
        }

        if (value.ValueKind == JsonValueKind.Number)
        {
            return value.TryGetUInt64(out var number) ? number : throw new NotModelledException($"value {value.GetRawText()}");
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw new NotModelledException($"value {value.GetRawText()} where a single {Describe(kind)} was expected");
        }

        var text = value.GetString()!;
        return kind switch
        {
            ValueKind.Ipv4 => Address(text, AddressFamily.InterNetwork),
            ValueKind.Ipv6 => Address(text, AddressFamily.InterNetworkV6),
            _ => Symbol(text, kind),
        };
    }

    /// <summary>A set element or match value: a value, a prefix, a range, or an interface name (<c>"eth*"</c> is a prefix).</summary>
    public static ElementPart Part(JsonElement value, ValueKind kind)
    {
        if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("elem", out var elem))
        {
            return Part(elem.GetProperty("val"), kind);
        }

        if (kind == ValueKind.InterfaceName)
        {
            return value.ValueKind == JsonValueKind.String
                ? InterfaceName(value.GetString()!)
                : throw new NotModelledException($"interface name {value.GetRawText()}");
        }

        if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("prefix", out var prefix))
        {
            var (low, high) = Prefix(prefix, kind);
            return ElementPart.Interval(low, high);
        }

        if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("range", out var range))
        {
            return ElementPart.Interval(Scalar(range[0], kind), Scalar(range[1], kind));
        }

        return ElementPart.Number(Scalar(value, kind));
    }

    public static (UInt128 Low, UInt128 High) Prefix(JsonElement prefix, ValueKind kind)
    {
        var bits = kind == ValueKind.Ipv6 ? 128 : 32;
        var network = Scalar(prefix.GetProperty("addr"), kind);
        var length = prefix.GetProperty("len").GetInt32();
        if (length < 0 || length > bits)
        {
            throw new NotModelledException($"prefix length {length}");
        }

        var host = length == bits ? UInt128.Zero : (UInt128.One << (bits - length)) - 1;
        return (network & ~host, network | host);
    }

    /// <summary>nft's interface-name syntax: a trailing <c>*</c> is a wildcard, <c>\*</c> a literal star.</summary>
    public static ElementPart InterfaceName(string text)
    {
        if (text.EndsWith('*') && !text.EndsWith("\\*", StringComparison.Ordinal))
        {
            return ElementPart.InterfaceName(Unescape(text[..^1]), prefix: true);
        }

        return ElementPart.InterfaceName(Unescape(text), prefix: false);
    }

    public static string Describe(ValueKind kind) => kind.ToString().ToLowerInvariant();

    private static string Unescape(string text) => text.Replace("\\*", "*", StringComparison.Ordinal);

    private static UInt128 Address(string text, AddressFamily family) =>
        IPAddress.TryParse(text, out var address) && address.AddressFamily == family
            ? PacketFields.ToNumber(address)
            : throw new NotModelledException($"'{text}' is not an {(family == AddressFamily.InterNetwork ? "IPv4" : "IPv6")} address");

    private static UInt128 Symbol(string text, ValueKind kind)
    {
        if (ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        if (text.StartsWith("0x", StringComparison.Ordinal)
            && ulong.TryParse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var hex))
        {
            return hex;
        }

        var table = kind switch
        {
            ValueKind.Protocol => NftSymbols.Protocols,
            ValueKind.NfProto => NftSymbols.NfProtos,
            ValueKind.EtherType => NftSymbols.EtherTypes,
            ValueKind.CtState => NftSymbols.CtStates,
            ValueKind.CtStatus => NftSymbols.CtStatuses,
            ValueKind.TcpFlags => NftSymbols.TcpFlags,
            ValueKind.IcmpType => NftSymbols.IcmpTypes,
            ValueKind.Icmpv6Type => NftSymbols.Icmpv6Types,
            ValueKind.IcmpCode => NftSymbols.IcmpCodes,
            ValueKind.PacketType => NftSymbols.PacketTypes,
            ValueKind.FibAddrType => NftSymbols.FibAddrTypes,
            ValueKind.Port => NftSymbols.Services,
            _ => null,
        };
        return table is not null && table.TryGetValue(text, out var value)
            ? value
            : throw new NotModelledException($"'{text}' is not a known {Describe(kind)} value");
    }
}
