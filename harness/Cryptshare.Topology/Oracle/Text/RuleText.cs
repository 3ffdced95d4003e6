using System.Text.Json;

namespace Cryptshare.Topology.Oracle.Text;

/// <summary>
/// Renders a rule's JSON expressions in nft's own syntax (nft's JSON carries no rule text):
/// <c>ip saddr 10.77.1.0/24 tcp dport 443 accept</c>. Counters print without their numbers;
/// anything it has no spelling for prints as its compact JSON, never as a guess.
/// </summary>
internal static class RuleText
{
    private static readonly HashSet<string> BareMetaKeys =
        ["iif", "oif", "iifname", "oifname", "iiftype", "oiftype", "iifgroup", "oifgroup", "skuid", "skgid", "rtclassid"];

    public static string Render(JsonElement expressions, string family)
    {
        if (expressions.ValueKind != JsonValueKind.Array)
        {
            return "";
        }

        return string.Join(' ', expressions.EnumerateArray().Select(e => Statement(e, family)).Where(s => s.Length > 0));
    }

    public static string Statement(JsonElement statement, string family)
    {
        if (statement.ValueKind != JsonValueKind.Object)
        {
            return Compact(statement);
        }

        var property = statement.EnumerateObject().FirstOrDefault();
        var value = property.Value;
        return property.Name switch
        {
            "match" => Match(value),
            "counter" => value.ValueKind == JsonValueKind.String ? $"counter name \"{value.GetString()}\"" : "counter",
            "log" => Log(value),
            "accept" or "drop" or "continue" or "return" => property.Name,
            "jump" or "goto" => $"{property.Name} {Text(value, "target")}",
            "reject" => Reject(value, family),
            "vmap" => $"{Expression(value.GetProperty("key"))} vmap {Expression(value.GetProperty("data"), IsNameKey(value.GetProperty("key")))}",
            "mangle" => $"{Expression(value.GetProperty("key"))} set {(IsMarkKey(value.GetProperty("key")) ? Mark(value.GetProperty("value")) : Expression(value.GetProperty("value")))}",
            "dnat" or "snat" => Nat(property.Name, value),
            "masquerade" or "redirect" => PortNat(property.Name, value),
            "limit" => Limit(value),
            "meter" => $"meter {Text(value, "name")}{(value.TryGetProperty("size", out var size) ? $" size {size.GetRawText()}" : "")} {{ {Expression(value.GetProperty("key"))} {Statement(value.GetProperty("stmt"), family)} }}",
            "ct helper" when value.ValueKind == JsonValueKind.String => $"ct helper set \"{value.GetString()}\"",
            "notrack" or "last" => property.Name,
            _ => Compact(statement),
        };
    }

    public static string Expression(JsonElement value, bool quoteNames = false)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                return value.GetRawText();
            case JsonValueKind.String:
                var text = value.GetString() ?? "";
                return quoteNames && !text.StartsWith('@') ? $"\"{text}\"" : text;
            case JsonValueKind.True:
            case JsonValueKind.False:
                return value.GetRawText();
            case JsonValueKind.Array:
                return string.Join(',', value.EnumerateArray().Select(v => Expression(v, quoteNames)));
            case JsonValueKind.Object:
                break;
            default:
                return Compact(value);
        }

        var property = value.EnumerateObject().FirstOrDefault();
        var inner = property.Value;
        return property.Name switch
        {
            "payload" when inner.TryGetProperty("protocol", out var protocol) => $"{protocol.GetString()} {Text(inner, "field")}",
            "payload" => $"@{Text(inner, "base")},{inner.GetProperty("offset").GetRawText()},{inner.GetProperty("len").GetRawText()}",
            "meta" => BareMetaKeys.Contains(Text(inner, "key")) ? Text(inner, "key") : $"meta {Text(inner, "key")}",
            "ct" => inner.TryGetProperty("dir", out var dir) ? $"ct {dir.GetString()} {Text(inner, "key")}" : $"ct {Text(inner, "key")}",
            "prefix" => $"{Expression(inner.GetProperty("addr"))}/{inner.GetProperty("len").GetRawText()}",
            "range" => $"{Expression(inner[0], quoteNames)}-{Expression(inner[1], quoteNames)}",
            "set" => Set(inner, quoteNames),
            "concat" => string.Join(" . ", inner.EnumerateArray().Select(v => Expression(v, quoteNames))),
            "&" or "|" or "^" or "<<" or ">>" => Binary(property.Name, inner),
            "elem" => Expression(inner.GetProperty("val"), quoteNames),
            "map" => $"{Expression(inner.GetProperty("key"))} map {Expression(inner.GetProperty("data"), IsNameKey(inner.GetProperty("key")))}",
            "fib" => Fib(inner),
            "tcp option" => $"tcp option {Text(inner, "name")} {Text(inner, "field")}".TrimEnd(),
            "rt" => $"rt {Text(inner, "key")}",
            "accept" or "drop" or "continue" or "return" => property.Name,
            "jump" or "goto" => $"{property.Name} {Text(inner, "target")}",
            _ => Compact(value),
        };
    }

    private static string Match(JsonElement match)
    {
        var left = match.GetProperty("left");
        var op = Text(match, "op");
        if (IsBinary(left) && left.TryGetProperty("&", out var masked) && IsFlagsKey(masked[0]) && op is "==" or "!=")
        {
            // nft's spelling of a flags test under a mask: "tcp flags syn / syn,ack".
            return $"{Expression(masked[0])} {(op == "!=" ? "!= " : "")}{Expression(match.GetProperty("right"))} / {Expression(masked[1])}";
        }

        var right = IsMarkKey(left) ? Mark(match.GetProperty("right")) : Expression(match.GetProperty("right"), IsNameKey(left));
        var shownOp = op switch
        {
            "in" => "",
            "==" when IsBinary(left) || IsFlagsKey(left) => "== ",
            "==" => "",
            _ => op + " ",
        };
        return $"{Expression(left)} {shownOp}{right}";
    }

    private static string Set(JsonElement elements, bool quoteNames)
    {
        if (elements.ValueKind != JsonValueKind.Array)
        {
            return "{ " + Expression(elements, quoteNames) + " }";
        }

        var items = elements.EnumerateArray().Select(e =>
            e.ValueKind == JsonValueKind.Array && e.GetArrayLength() == 2 && !IsFlagList(e)
                ? $"{Expression(e[0], quoteNames)} : {Expression(e[1])}"
                : Expression(e, quoteNames));
        return "{ " + string.Join(", ", items) + " }";
    }

    private static string Binary(string op, JsonElement operands)
    {
        var parts = operands.EnumerateArray().Select(v =>
            v.ValueKind == JsonValueKind.Array ? $"({string.Join(" | ", v.EnumerateArray().Select(x => Expression(x)))})" : Expression(v));
        return string.Join($" {op} ", parts);
    }

    private static string Log(JsonElement log)
    {
        var text = "log";
        if (log.ValueKind == JsonValueKind.Object)
        {
            if (log.TryGetProperty("prefix", out var prefix))
            {
                text += $" prefix \"{prefix.GetString()}\"";
            }

            if (log.TryGetProperty("level", out var level))
            {
                text += $" level {level.GetString()}";
            }

            if (log.TryGetProperty("group", out var group))
            {
                text += $" group {group.GetRawText()}";
            }
        }

        return text;
    }

    private static string Reject(JsonElement reject, string family)
    {
        var with = RejectWith(reject, family);
        var isDefault = with == DefaultReject(family);
        return isDefault ? "reject" : $"reject with {with}";
    }

    /// <summary>The reject that answers with a TCP reset, as nft spells it after "reject with".</summary>
    public const string TcpReset = "tcp reset";

    /// <summary>The reject's kind as nft spells it after "reject with": <c>tcp reset</c>, <c>icmpx admin-prohibited</c>.</summary>
    public static string RejectWith(JsonElement reject, string family)
    {
        if (reject.ValueKind != JsonValueKind.Object)
        {
            return DefaultReject(family);
        }

        var type = reject.TryGetProperty("type", out var t) ? t.GetString() ?? "" : "";
        if (type == TcpReset)
        {
            return type;
        }

        var code = reject.TryGetProperty("expr", out var e) ? e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText() : "port-unreachable";
        if (type.Length == 0)
        {
            type = DefaultReject(family).Split(' ')[0];
        }

        return $"{type} {code}";
    }

    private static string DefaultReject(string family) => family switch
    {
        "ip" => "icmp port-unreachable",
        "ip6" => "icmpv6 port-unreachable",
        _ => "icmpx port-unreachable",
    };

    private static string Nat(string kind, JsonElement nat)
    {
        var text = kind;
        if (nat.ValueKind != JsonValueKind.Object)
        {
            return text;
        }

        if (nat.TryGetProperty("family", out var family))
        {
            text += " " + family.GetString();
        }

        var target = "";
        if (nat.TryGetProperty("addr", out var addr))
        {
            target = Expression(addr);
            if (target.Contains(':') && nat.TryGetProperty("port", out _))
            {
                target = $"[{target}]";
            }
        }

        if (nat.TryGetProperty("port", out var port))
        {
            target += ":" + Expression(port);
        }

        text += " to " + target;
        return WithFlags(text, nat);
    }

    private static string PortNat(string kind, JsonElement nat)
    {
        var text = kind;
        if (nat.ValueKind == JsonValueKind.Object && nat.TryGetProperty("port", out var port))
        {
            text += " to :" + Expression(port);
        }

        return nat.ValueKind == JsonValueKind.Object ? WithFlags(text, nat) : text;
    }

    private static string WithFlags(string text, JsonElement nat) =>
        nat.TryGetProperty("flags", out var flags) ? $"{text} {Expression(flags).Replace(',', ' ')}" : text;

    private static string Limit(JsonElement limit)
    {
        var over = limit.TryGetProperty("inv", out var inv) && inv.ValueKind == JsonValueKind.True ? "over " : "";
        var unit = limit.TryGetProperty("rate_unit", out var u) && u.GetString() is { } rateUnit && rateUnit != "packets" ? " " + rateUnit : "";
        // nft prints the burst only where it is not its default of 5 packets.
        var burst = limit.TryGetProperty("burst", out var b) && b.TryGetInt64(out var packets) && packets != 5 && unit.Length == 0 ? $" burst {packets} packets" : "";
        return $"limit rate {over}{limit.GetProperty("rate").GetRawText()}{unit}/{Text(limit, "per")}{burst}";
    }

    private static string Fib(JsonElement fib)
    {
        var flags = fib.TryGetProperty("flags", out var f) ? Expression(f).Replace(',', ' ') : "";
        return $"fib {flags} {Text(fib, "result")}";
    }

    private static bool IsNameKey(JsonElement key) =>
        key.ValueKind == JsonValueKind.Object && key.TryGetProperty("meta", out var meta)
        && meta.TryGetProperty("key", out var k) && k.GetString() is "iifname" or "oifname";

    /// <summary>Marks print as eight hex digits, as nft prints them.</summary>
    private static bool IsMarkKey(JsonElement key) =>
        key.ValueKind == JsonValueKind.Object
        && ((key.TryGetProperty("meta", out var meta) && meta.TryGetProperty("key", out var m) && m.GetString() == "mark")
            || (key.TryGetProperty("ct", out var ct) && ct.TryGetProperty("key", out var c) && c.GetString() == "mark"));

    private static string Mark(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetUInt32(out var mark))
        {
            return $"0x{mark:x8}";
        }

        // meta mark & 0xffffff00: the operand of a mark's arithmetic in hex, as nft prints it.
        if (IsBinary(value) && value.EnumerateObject().First() is { } op && op.Value.GetArrayLength() == 2 && op.Value[1].TryGetUInt32(out var operand))
        {
            var left = IsMarkKey(op.Value[0]) ? Expression(op.Value[0]) : Mark(op.Value[0]);
            return $"{left} {op.Name} 0x{operand:x8}";
        }

        return Expression(value);
    }

    private static bool IsFlagsKey(JsonElement key) =>
        (key.ValueKind == JsonValueKind.Object && key.TryGetProperty("ct", out var ct) && ct.TryGetProperty("key", out var k) && k.GetString() is "state" or "status")
        || (key.ValueKind == JsonValueKind.Object && key.TryGetProperty("payload", out var p) && p.TryGetProperty("field", out var field) && field.GetString() == "flags");

    private static bool IsBinary(JsonElement key) =>
        key.ValueKind == JsonValueKind.Object && key.EnumerateObject().FirstOrDefault().Name is "&" or "|" or "^";

    private static bool IsFlagList(JsonElement array) => array.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) && array.GetArrayLength() != 2;

    private static string Text(JsonElement value, string name) =>
        value.TryGetProperty(name, out var property)
            ? property.ValueKind == JsonValueKind.String ? property.GetString()! : property.GetRawText()
            : "";

    private static string Compact(JsonElement value) => value.GetRawText().Replace("\n", "", StringComparison.Ordinal);
}
