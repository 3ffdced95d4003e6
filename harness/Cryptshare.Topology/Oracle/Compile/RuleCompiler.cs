using System.Text.Json;
using Cryptshare.Topology.Oracle.Model;
using Cryptshare.Topology.Oracle.Runtime;
using Cryptshare.Topology.Oracle.Text;

namespace Cryptshare.Topology.Oracle.Compile;

/// <summary>
/// Turns one rule's JSON expressions into steps, in order. Counters, logs, comments and
/// <c>meta nftrace set 1</c> have no effect on the verdict and are left out; a construct the oracle
/// does not model becomes an unknown condition (it may or may not hold) or an unknown action
/// (reaching it makes the verdict unknown), named in the reason.
/// </summary>
internal sealed class RuleCompiler(SetCompiler sets)
{
    private static readonly HashSet<string> NoEffect = ["counter", "log", "last", "comment"];

    private static readonly HashSet<string> UnknownConditions = ["limit", "quota", "ct count", "connlimit", "meter"];

    /// <summary>Statements that change neither a verdict nor anything a later rule reads: a conntrack helper (it only admits later related connections), a TCP MSS clamp.</summary>
    private static readonly HashSet<string> NoVerdictEffect = ["ct helper"];

    /// <summary>Whether some rule sets a connection's mark (<c>ct mark set</c>).</summary>
    public bool SetsCtMark { get; private set; }

    public Step[] Compile(NftRuleDef rule)
    {
        var steps = new List<Step>();
        if (rule.Expressions.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        if (rule.Comment == RuleSets.IptablesTranslationRepair.PlaceholderComment)
        {
            return [new UnknownAction("not modelled: an iptables rule that was not translated (iptables-restore-translate cannot express it, e.g. -m recent); see its line in the file")];
        }

        if (OnlyObserves(rule.Expressions))
        {
            // A rule that only counts or logs (however rate-limited) changes no verdict: nothing to evaluate.
            return [];
        }

        foreach (var expression in rule.Expressions.EnumerateArray())
        {
            if (!Add(expression, rule, steps))
            {
                break;
            }
        }

        return steps.ToArray();
    }

    /// <summary>Adds the steps of one expression; false when nothing after it can run (a verdict).</summary>
    private bool Add(JsonElement expression, NftRuleDef rule, List<Step> steps)
    {
        var property = expression.ValueKind == JsonValueKind.Object ? expression.EnumerateObject().FirstOrDefault() : default;
        var name = property.Name ?? "";
        var value = property.Value;
        try
        {
            switch (name)
            {
                case "match":
                    steps.Add(Match(value, rule));
                    return true;
                case var _ when NoEffect.Contains(name):
                    return true;
                case "mangle" when IsNftrace(value) || IsTcpOption(value):
                    return true;
                case var _ when NoVerdictEffect.Contains(name):
                    return true;
                case "mangle" when MarkTarget(value) is { } target:
                    steps.Add(new MarkSetAction(target, MarkValueOf(value.GetProperty("value"))));
                    SetsCtMark |= target == KeyField.CtMark;
                    return true;
                case var _ when UnknownConditions.Contains(name):
                    steps.Add(new UnknownCondition(NotModelled(expression, rule)));
                    return true;
                case "xt" when value.TryGetProperty("type", out var type) && type.GetString() == "match":
                    steps.Add(new UnknownCondition(NotModelled(expression, rule)));
                    return true;
                case "continue":
                    return false;
                case "accept" or "drop" or "return" or "jump" or "goto":
                    steps.Add(new VerdictAction(sets.Verdict(expression, rule.Family, rule.Table)));
                    return false;
                case "reject":
                    AddReject(value, rule, steps);
                    return false;
                case "vmap":
                    steps.Add(Vmap(value, rule));
                    return true;
                case "dnat" or "snat" or "masquerade" or "redirect":
                    steps.Add(Nat(name, value, rule));
                    return true;
                default:
                    steps.Add(new UnknownAction(NotModelled(expression, rule)));
                    return false;
            }
        }
        catch (NotModelledException e)
        {
            var reason = e.Message.StartsWith("not modelled", StringComparison.Ordinal) ? e.Message : $"not modelled: {e.Message} (in '{RuleText.Statement(expression, rule.Family)}')";
            steps.Add(name == "match" ? new UnknownCondition(reason) : new UnknownAction(reason));
            return name == "match";
        }
    }

    private static string NotModelled(JsonElement expression, NftRuleDef rule) =>
        $"not modelled: '{RuleText.Statement(expression, rule.Family)}'";

    /// <summary>
    /// Every statement of the rule is a match, a counter, a log, a comment, a limit or meter (a
    /// rate-limited log), a TCP MSS clamp or a helper: the rule has no effect on any verdict.
    /// </summary>
    private static bool OnlyObserves(JsonElement expressions)
    {
        var any = false;
        foreach (var expression in expressions.EnumerateArray())
        {
            var property = expression.ValueKind == JsonValueKind.Object ? expression.EnumerateObject().FirstOrDefault() : default;
            var name = property.Name ?? "";
            var observes = name is "match" or "limit" or "meter" or "quota" || NoEffect.Contains(name) || NoVerdictEffect.Contains(name)
                || (name == "mangle" && (IsNftrace(property.Value) || IsTcpOption(property.Value)));
            if (!observes)
            {
                return false;
            }

            any |= name != "match";
        }

        return any;
    }

    /// <summary><c>tcp option maxseg size set rt mtu</c> (iptables' TCPMSS): changes a header option, no verdict.</summary>
    private static bool IsTcpOption(JsonElement mangle) =>
        mangle.TryGetProperty("key", out var key) && key.ValueKind == JsonValueKind.Object && key.TryGetProperty("tcp option", out _);

    /// <summary>The mark a <c>mangle</c> sets: <c>meta mark</c> or <c>ct mark</c>; null for any other key.</summary>
    private static KeyField? MarkTarget(JsonElement mangle) =>
        mangle.TryGetProperty("key", out var key) ? MarkRead(key) : null;

    /// <summary><c>meta mark</c> or <c>ct mark</c> (either direction-less); null for any other expression.</summary>
    private static KeyField? MarkRead(JsonElement expression)
    {
        if (expression.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (expression.TryGetProperty("meta", out var meta) && meta.TryGetProperty("key", out var m) && m.GetString() == "mark")
        {
            return KeyField.Mark;
        }

        return expression.TryGetProperty("ct", out var ct) && ct.TryGetProperty("key", out var c) && c.GetString() == "mark" && !ct.TryGetProperty("dir", out _)
            ? KeyField.CtMark
            : null;
    }

    /// <summary>
    /// A mark's new value: a number, <c>meta mark</c> or <c>ct mark</c>, or one of them under
    /// <c>&amp;</c>, <c>|</c>, <c>^</c> with numbers (how nft lists MARK --set-xmark and CONNMARK).
    /// </summary>
    private static MarkValue MarkValueOf(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Number || value.ValueKind == JsonValueKind.String)
        {
            return MarkValue.Of((uint)ValueReader.Scalar(value, ValueKind.Integer));
        }

        if (MarkRead(value) is { } read)
        {
            return MarkValue.From(read);
        }

        if (value.ValueKind == JsonValueKind.Object && value.EnumerateObject().FirstOrDefault() is { Name: "&" or "|" or "^" } op
            && op.Value.ValueKind == JsonValueKind.Array && op.Value.GetArrayLength() == 2)
        {
            var inner = MarkValueOf(op.Value[0]);
            var operand = (uint)ValueReader.Scalar(op.Value[1], ValueKind.Integer);
            return inner.Combine(op.Name, operand);
        }

        throw new NotModelledException($"mark set to {RuleText.Expression(value)}");
    }

    private static bool IsNftrace(JsonElement mangle) =>
        mangle.TryGetProperty("key", out var key) && key.TryGetProperty("meta", out var meta)
        && meta.TryGetProperty("key", out var name) && name.GetString() == "nftrace";

    private Step Match(JsonElement match, NftRuleDef rule)
    {
        var op = match.GetProperty("op").GetString() ?? "";
        var left = match.GetProperty("left");
        var right = match.GetProperty("right");
        if (KeyReader.IsCtStatus(left))
        {
            return CtStatus(op, right);
        }

        if (left.ValueKind == JsonValueKind.Object && left.TryGetProperty("&", out var masked))
        {
            return Masked(op, masked, right);
        }

        if (left.ValueKind == JsonValueKind.Object && left.TryGetProperty("concat", out var components))
        {
            return Concat(op, components, right, rule);
        }

        var key = KeyReader.Read(left);
        var negate = op == "!=";
        var isLookupOp = op is "==" or "!=" or "in";
        if (right.ValueKind == JsonValueKind.String && right.GetString()!.StartsWith('@'))
        {
            RequireOp(isLookupOp, op, right);
            var set = sets.Named(rule.Family, rule.Table, right.GetString()!, MapData.None);
            RequireTypes(set, [key]);
            return new LookupCondition(key, set.Single!, negate);
        }

        if (right.ValueKind == JsonValueKind.Object && right.TryGetProperty("set", out var elements))
        {
            RequireOp(isLookupOp, op, right);
            var set = sets.Anonymous(elements, [key.Type], MapData.None, rule.Family, rule.Table, 0);
            return new LookupCondition(key, set.Single!, negate);
        }

        if (right.ValueKind == JsonValueKind.Object && (right.TryGetProperty("prefix", out _) || right.TryGetProperty("range", out _)))
        {
            RequireOp(op is "==" or "!=", op, right);
            var part = ValueReader.Part(right, key.Type);
            return new RangeCondition(key, part.Low, part.High, negate);
        }

        if (key.IsName)
        {
            RequireOp(op is "==" or "!=", op, right);
            var part = ValueReader.Part(right, key.Type);
            return new NameCondition(key, part.Name!, part.NamePrefix, negate);
        }

        var value = ValueReader.Scalar(right, key.Type);
        return op switch
        {
            "in" when ValueKinds.IsFlags(key.Type) => new MaskCondition(key, value, CompareOp.NotEqual, 0),
            // tcp flags ! fin,syn,rst,psh,ack,urg (iptables --tcp-flags ALL NONE): none of these bits set.
            "!" when ValueKinds.IsFlags(key.Type) => new MaskCondition(key, value, CompareOp.Equal, 0),
            "in" or "==" => new CompareCondition(key, CompareOp.Equal, value),
            "!=" => new CompareCondition(key, CompareOp.NotEqual, value),
            "<" => new CompareCondition(key, CompareOp.Less, value),
            ">" => new CompareCondition(key, CompareOp.Greater, value),
            "<=" => new CompareCondition(key, CompareOp.LessOrEqual, value),
            ">=" => new CompareCondition(key, CompareOp.GreaterOrEqual, value),
            _ => throw new NotModelledException($"operator '{op}'"),
        };
    }

    private static Step CtStatus(string op, JsonElement right)
    {
        var mask = ValueReader.Scalar(right, ValueKind.CtStatus);
        if (op != "in" || mask == 0 || (mask & ~(UInt128)0x30) != 0)
        {
            throw new NotModelledException($"ct status {(op == "in" ? "" : op + " ")}{RuleText.Expression(right)} (only the snat and dnat bits are modelled)");
        }

        return new CtStatusCondition(mask, negate: false);
    }

    private static Step Masked(string op, JsonElement operands, JsonElement right)
    {
        var key = KeyReader.Read(operands[0]);
        var mask = ValueReader.Scalar(operands[1], key.Type);
        var value = ValueReader.Scalar(right, key.Type);
        return op switch
        {
            "==" => new MaskCondition(key, mask, CompareOp.Equal, value),
            "!=" => new MaskCondition(key, mask, CompareOp.NotEqual, value),
            _ => throw new NotModelledException($"operator '{op}' on a masked value"),
        };
    }

    private Step Concat(string op, JsonElement components, JsonElement right, NftRuleDef rule)
    {
        RequireOp(op is "==" or "!=" or "in", op, right);
        var keys = components.EnumerateArray().Select(KeyReader.Read).ToArray();
        CompiledSet set;
        if (right.ValueKind == JsonValueKind.String && right.GetString()!.StartsWith('@'))
        {
            set = sets.Named(rule.Family, rule.Table, right.GetString()!, MapData.None);
            RequireTypes(set, keys);
        }
        else if (right.ValueKind == JsonValueKind.Object && right.TryGetProperty("set", out var elements))
        {
            set = sets.Anonymous(elements, keys.Select(k => k.Type).ToList(), MapData.None, rule.Family, rule.Table, 0);
        }
        else
        {
            set = sets.Anonymous(right, keys.Select(k => k.Type).ToList(), MapData.None, rule.Family, rule.Table, 0);
        }

        return new ConcatLookupCondition(keys, set.Concat!, op == "!=");
    }

    private Step Vmap(JsonElement vmap, NftRuleDef rule)
    {
        var keyExpression = vmap.GetProperty("key");
        var keys = keyExpression.ValueKind == JsonValueKind.Object && keyExpression.TryGetProperty("concat", out var components)
            ? components.EnumerateArray().Select(KeyReader.Read).ToArray()
            : [KeyReader.Read(keyExpression)];
        var data = vmap.GetProperty("data");
        CompiledSet map;
        if (data.ValueKind == JsonValueKind.String)
        {
            map = sets.Named(rule.Family, rule.Table, data.GetString()!, MapData.Verdict);
            RequireTypes(map, keys);
        }
        else if (data.ValueKind == JsonValueKind.Object && data.TryGetProperty("set", out var elements))
        {
            map = sets.Anonymous(elements, keys.Select(k => k.Type).ToList(), MapData.Verdict, rule.Family, rule.Table, 0);
        }
        else
        {
            throw new NotModelledException($"verdict map {data.GetRawText()}");
        }

        return new VmapAction(keys, map);
    }

    private void AddReject(JsonElement reject, NftRuleDef rule, List<Step> steps)
    {
        var with = RuleText.RejectWith(reject, rule.Family);
        // nft adds the dependency a reject type needs and leaves it out of the JSON: a TCP reset only
        // for TCP, an ICMP (v4) reject only for IPv4, an ICMPv6 one only for IPv6. icmpx fits both.
        if (with == RuleText.TcpReset)
        {
            steps.Add(new CompareCondition(new Key(KeyField.Protocol, 0, Key.AnyProtocol, ValueKind.Protocol, "meta l4proto"), CompareOp.Equal, 6));
        }
        else if (with.StartsWith("icmp ", StringComparison.Ordinal) && rule.Family != "ip")
        {
            steps.Add(new CompareCondition(new Key(KeyField.NfProto, 0, Key.AnyProtocol, ValueKind.NfProto, "meta nfproto"), CompareOp.Equal, 2));
        }
        else if (with.StartsWith("icmpv6 ", StringComparison.Ordinal) && rule.Family != "ip6")
        {
            steps.Add(new CompareCondition(new Key(KeyField.NfProto, 0, Key.AnyProtocol, ValueKind.NfProto, "meta nfproto"), CompareOp.Equal, 10));
        }

        steps.Add(new VerdictAction(new VerdictSpec(VerdictCode.Reject, rejectWith: with)));
    }

    private Step Nat(string kind, JsonElement nat, NftRuleDef rule)
    {
        var natKind = kind switch
        {
            "dnat" => NatKind.Dnat,
            "snat" => NatKind.Snat,
            "masquerade" => NatKind.Masquerade,
            _ => NatKind.Redirect,
        };
        if (nat.ValueKind != JsonValueKind.Object)
        {
            return new NatAction(natKind, 0, null, null, null);
        }

        if (nat.TryGetProperty("flags", out var flags) && RuleText.Expression(flags).Contains("netmap", StringComparison.Ordinal))
        {
            throw new NotModelledException($"{kind} with netmap");
        }

        var family = nat.TryGetProperty("family", out var f) ? f.GetString() switch
        {
            "ip" => 4,
            "ip6" => 6,
            _ => throw new NotModelledException($"{kind} family {f.GetString()}"),
        } : 0;
        NatTarget? target = null;
        Key[]? mapKeys = null;
        CompiledSet? map = null;
        if (nat.TryGetProperty("addr", out var addr))
        {
            if (addr.ValueKind == JsonValueKind.Object && addr.TryGetProperty("map", out var lookup))
            {
                var keyExpression = lookup.GetProperty("key");
                mapKeys = keyExpression.ValueKind == JsonValueKind.Object && keyExpression.TryGetProperty("concat", out var components)
                    ? components.EnumerateArray().Select(KeyReader.Read).ToArray()
                    : [KeyReader.Read(keyExpression)];
                var data = lookup.GetProperty("data");
                map = data.ValueKind == JsonValueKind.String
                    ? sets.Named(rule.Family, rule.Table, data.GetString()!, MapData.Nat)
                    : sets.Anonymous(data.GetProperty("set"), mapKeys.Select(k => k.Type).ToList(), MapData.Nat, rule.Family, rule.Table, family);
            }
            else
            {
                target = SetCompiler.NatAddress(addr, family switch { 4 => ValueKind.Ipv4, 6 => ValueKind.Ipv6, _ => null }, family);
                if (family == 0 && rule.Family == "inet")
                {
                    family = addr.GetRawText().Contains(':') ? 6 : 4;
                }
            }
        }

        if (nat.TryGetProperty("port", out var port))
        {
            if (mapKeys is not null)
            {
                throw new NotModelledException($"{kind} with both an address map and a port");
            }

            var part = ValueReader.Part(port, ValueKind.Port);
            target = (target ?? new NatTarget(false, 0, 0, -1, -1)) with { PortLow = (int)part.Low, PortHigh = (int)part.High };
        }

        return new NatAction(natKind, family, target, mapKeys, map);
    }

    private static void RequireOp(bool supported, string op, JsonElement right)
    {
        if (!supported)
        {
            throw new NotModelledException($"operator '{op}' with {RuleText.Expression(right)}");
        }
    }

    private static void RequireTypes(CompiledSet set, Key[] keys)
    {
        if (set.KeyTypes.Count != keys.Length || keys.Where((k, i) => k.Type != set.KeyTypes[i]).Any())
        {
            throw new NotModelledException($"{set.Name} of type {string.Join(" . ", set.KeyTypes)} looked up with {string.Join(" . ", keys.Select(k => k.Text))}");
        }
    }
}
