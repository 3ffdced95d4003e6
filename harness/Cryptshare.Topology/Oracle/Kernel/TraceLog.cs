using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace Cryptshare.Topology.Oracle.Kernel;

/// <summary>The header fields a trace's <c>packet:</c> line shows (TCP and UDP ports, TCP flags).</summary>
public sealed record TracedHeader(
    string InputInterface,
    string OutputInterface,
    IPAddress? Source,
    IPAddress? Destination,
    int? Protocol,
    int? SourcePort,
    int? DestinationPort,
    TcpFlags? Flags)
{
    public override string ToString() =>
        $"{Source}:{SourcePort} -> {Destination}:{DestinationPort} iif '{InputInterface}' oif '{OutputInterface}' flags {Flags}";
}

/// <summary>
/// One event of a base chain's pass: a rule that matched (with its verdict: accept, drop, continue,
/// jump NAME, goto NAME, return) or the base chain's policy. <see cref="Chain"/> is the chain the
/// rule is in (a regular chain after a jump).
/// </summary>
public sealed record TraceEvent(string Family, string Table, string Chain, long? Handle, string Text, string Verdict, bool IsPolicy)
{
    public bool IsTerminal => IsPolicy || Verdict is "accept" or "drop";
}

/// <summary>One base chain's pass over a packet: the header it saw and the events in order.</summary>
public sealed record TracedPass(string Family, string Table, string Chain, TracedHeader Header, IReadOnlyList<TraceEvent> Events);

/// <summary>One packet's way through the hooks, as <c>nft -a monitor trace</c> reported it.</summary>
public sealed record TracedPacket(string Id, int Sequence, IReadOnlyList<TracedPass> Passes)
{
    /// <summary>The header as the first chain saw it (before any NAT).</summary>
    public TracedHeader Header => Passes[0].Header;
}

/// <summary>
/// Reads the text of <c>nft -a monitor trace</c> (nft 1.0.6 has no JSON for it). Every packet the
/// trace table marks starts with a <c>packet:</c> line of that table's chain (the first chain of
/// its hook, at priority -350), so a new packet begins there, even when the kernel reuses the
/// trace id of an earlier packet. Lines it does not know are skipped.
/// </summary>
public static partial class TraceLog
{
    public static IReadOnlyList<TracedPacket> Parse(IEnumerable<string> lines, string startTable = "ctt_trace")
    {
        ArgumentNullException.ThrowIfNull(lines);
        var packets = new List<PacketBuilder>();
        var current = new Dictionary<string, PacketBuilder>();
        foreach (var raw in lines)
        {
            var line = raw.TrimEnd();
            var match = Line().Match(line);
            if (!match.Success)
            {
                continue;
            }

            var (id, family, table, chain, rest) = (match.Groups["id"].Value, match.Groups["family"].Value, match.Groups["table"].Value, match.Groups["chain"].Value, match.Groups["rest"].Value);
            if (rest.StartsWith("packet: ", StringComparison.Ordinal))
            {
                if (table == startTable || !current.TryGetValue(id, out var packet))
                {
                    packet = new PacketBuilder(id, packets.Count);
                    packets.Add(packet);
                    current[id] = packet;
                }

                packet.Passes.Add(new PassBuilder(family, table, chain, ParseHeader(rest["packet: ".Length..])));
                continue;
            }

            if (!current.TryGetValue(id, out var owner) || owner.Passes.Count == 0)
            {
                continue;
            }

            if (ParseEvent(family, table, chain, rest) is { } traceEvent)
            {
                owner.Passes[^1].Events.Add(traceEvent);
            }
        }

        return packets.Where(p => p.Passes.Count > 0).Select(p => p.Build()).ToList();
    }

    public static TracedHeader ParseHeader(string text)
    {
        var words = Words().Matches(text).Select(m => m.Value).ToList();
        string? Value(string a, string b)
        {
            for (var i = 0; i + 2 < words.Count; i++)
            {
                if (words[i] == a && words[i + 1] == b)
                {
                    return words[i + 2];
                }
            }

            return null;
        }

        string Interface(string key)
        {
            var index = words.IndexOf(key);
            return index >= 0 && index + 1 < words.Count ? words[index + 1].Trim('"') : "";
        }

        IPAddress? Address(string field) =>
            (Value("ip", field) ?? Value("ip6", field)) is { } a && IPAddress.TryParse(a, out var address) ? address : null;

        int? Number(string? value) => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

        // nft prints the protocol by name where the host has /etc/protocols, else by number.
        var protocol = ProtocolNumber(Value("ip", "protocol")) ?? ProtocolNumber(Value("ip6", "nexthdr"));
        int? sourcePort = null, destinationPort = null;
        foreach (var l4 in new[] { "tcp", "udp" })
        {
            sourcePort ??= Number(Value(l4, "sport"));
            destinationPort ??= Number(Value(l4, "dport"));
            if (protocol is null && Value(l4, "sport") is not null)
            {
                protocol = l4 == "tcp" ? 6 : 17;
            }
        }

        TcpFlags? flags = null;
        var flagsAt = text.IndexOf("tcp flags == ", StringComparison.Ordinal);
        if (flagsAt >= 0)
        {
            flags = ParseFlags(text[(flagsAt + "tcp flags == ".Length)..]);
        }

        return new TracedHeader(Interface("iif"), Interface("oif"), Address("saddr"), Address("daddr"), protocol, sourcePort, destinationPort, flags);
    }

    private static int? ProtocolNumber(string? value) => value switch
    {
        null => null,
        "tcp" => 6,
        "udp" => 17,
        "icmp" => 1,
        "ipv6-icmp" or "icmpv6" => 58,
        _ => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null,
    };

    /// <summary>TCP flags as nft 1.0.6 prints them: a name, a hex value, or names joined by <c>|</c> in parentheses.</summary>
    public static TcpFlags? ParseFlags(string text)
    {
        text = text.TrimStart();
        string expression;
        if (text.StartsWith('('))
        {
            var end = text.IndexOf(')');
            expression = end < 0 ? text[1..] : text[1..end];
        }
        else
        {
            var end = text.IndexOf(' ');
            expression = end < 0 ? text : text[..end];
        }

        if (expression.StartsWith("0x", StringComparison.Ordinal))
        {
            return int.TryParse(expression[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var hex) ? (TcpFlags)hex : null;
        }

        var flags = TcpFlags.None;
        foreach (var name in expression.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Enum.TryParse<TcpFlags>(name, ignoreCase: true, out var flag))
            {
                return null;
            }

            flags |= flag;
        }

        return flags;
    }

    private static TraceEvent? ParseEvent(string family, string table, string chain, string rest)
    {
        if (rest.StartsWith("policy ", StringComparison.Ordinal))
        {
            var verdict = rest["policy ".Length..].Split(' ')[0];
            return new TraceEvent(family, table, chain, null, $"policy {verdict}", verdict, IsPolicy: true);
        }

        if (rest.StartsWith("rule ", StringComparison.Ordinal))
        {
            var rule = RuleEvent().Match(rest);
            if (!rule.Success)
            {
                return null;
            }

            long? handle = rule.Groups["handle"].Success ? long.Parse(rule.Groups["handle"].Value, CultureInfo.InvariantCulture) : null;
            return new TraceEvent(family, table, chain, handle, rule.Groups["text"].Value.Trim(), rule.Groups["verdict"].Value.Trim(), IsPolicy: false);
        }

        if (rest.StartsWith("verdict ", StringComparison.Ordinal))
        {
            return new TraceEvent(family, table, chain, null, rest, rest["verdict ".Length..].Trim(), IsPolicy: false);
        }

        return null;
    }

    [GeneratedRegex(@"^trace id (?<id>[0-9a-f]+) (?<family>ip6|ip|inet|arp|bridge|netdev) (?<table>\S+) (?<chain>\S+) (?<rest>.*)$")]
    private static partial Regex Line();

    [GeneratedRegex(@"^rule (?<text>.*?)(?: # handle (?<handle>\d+))? \(verdict (?<verdict>[^)]*)\)\s*$")]
    private static partial Regex RuleEvent();

    [GeneratedRegex(@"""[^""]*""|\S+")]
    private static partial Regex Words();

    private sealed class PacketBuilder(string id, int sequence)
    {
        public List<PassBuilder> Passes { get; } = [];

        public TracedPacket Build() => new(id, sequence, Passes.Select(p => p.Build()).ToList());
    }

    private sealed class PassBuilder(string family, string table, string chain, TracedHeader header)
    {
        public List<TraceEvent> Events { get; } = [];

        public TracedPass Build() => new(family, table, chain, header, Events);
    }
}
