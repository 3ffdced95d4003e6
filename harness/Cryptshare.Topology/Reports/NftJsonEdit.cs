using System.Text.Json.Nodes;
using Cryptshare.Topology.Oracle;

namespace Cryptshare.Topology.Reports;

/// <summary>
/// nft's JSON of a rule set as a copy that a proposed fix may change (a rule inserted, a rule's
/// condition changed, an element added to a set) before the oracle reads it again. Only the
/// structure nft prints is touched: the <c>nftables</c> array, its <c>chain</c>, <c>rule</c> and
/// <c>set</c> objects; no rule text is parsed.
/// </summary>
public sealed class NftJsonEdit
{
    private readonly JsonNode _root;
    private readonly JsonArray _items;

    public NftJsonEdit(string nftJson)
    {
        _root = JsonNode.Parse(nftJson) ?? throw new FormatException("empty nft JSON");
        _items = _root["nftables"] as JsonArray ?? throw new FormatException("nft JSON without an nftables array");
    }

    public override string ToString() => _root.ToJsonString();

    /// <summary>
    /// Inserts a rule into a chain: before the rule with <paramref name="beforeHandle"/>, at the
    /// chain's top (<paramref name="atTop"/>), else after its last rule. False when the chain or rule is not there.
    /// </summary>
    public bool InsertRule(string family, string table, string chain, long? beforeHandle, bool atTop, JsonArray expression)
    {
        int? chainAt = null, at = null;
        for (var i = 0; i < _items.Count; i++)
        {
            if (Body(_items[i], "chain") is { } c && Is(c, family, table) && Text(c, "name") == chain)
            {
                chainAt = i + 1;
            }
            else if (Body(_items[i], "rule") is { } r && Is(r, family, table) && Text(r, "chain") == chain)
            {
                if (atTop || (beforeHandle is { } handle && Handle(r) == handle))
                {
                    at = i;
                    break;
                }

                if (beforeHandle is null)
                {
                    at = i + 1;
                }
            }
        }

        at ??= beforeHandle is null ? chainAt : null;
        if (at is null)
        {
            return false;
        }

        var rule = new JsonObject
        {
            ["family"] = family,
            ["table"] = table,
            ["chain"] = chain,
            ["handle"] = NewHandle(),
            ["expr"] = expression,
        };
        _items.Insert(at.Value, new JsonObject { ["rule"] = rule });
        return true;
    }

    /// <summary>The expression list of a rule (to change one of its conditions), or null.</summary>
    public JsonArray? Expression(RuleReference rule) =>
        _items.Select(i => Body(i, "rule")).FirstOrDefault(r => r is not null && Is(r, rule.Family, rule.Table) && Text(r, "chain") == rule.Chain && Handle(r) == rule.Handle)?["expr"] as JsonArray;

    /// <summary>The named sets of the rule set: family, table, name, and the set object (its <c>type</c>, its <c>elem</c>).</summary>
    public IEnumerable<(string Family, string Table, string Name, JsonObject Set)> Sets() =>
        _items.Select(i => Body(i, "set")).OfType<JsonObject>()
            .Select(s => (Text(s, "family") ?? "", Text(s, "table") ?? "", Text(s, "name") ?? "", s));

    /// <summary>Every base chain: family, table, name, hook, type and priority.</summary>
    public IEnumerable<BaseChain> BaseChains() =>
        _items.Select(i => Body(i, "chain")).OfType<JsonObject>()
            .Where(c => Text(c, "hook") is not null)
            .Select(c => new BaseChain(Text(c, "family") ?? "", Text(c, "table") ?? "", Text(c, "name") ?? "", Text(c, "hook")!, Text(c, "type") ?? "filter",
                c["prio"] is JsonValue p && p.TryGetValue<int>(out var prio) ? prio : 0));

    /// <summary>The chains every chain jumps or goes to (verdict maps included), by (family, table, chain).</summary>
    public IReadOnlyDictionary<(string Family, string Table, string Chain), HashSet<string>> Jumps()
    {
        var jumps = new Dictionary<(string, string, string), HashSet<string>>();
        foreach (var rule in _items.Select(i => Body(i, "rule")).OfType<JsonObject>())
        {
            var key = (Text(rule, "family") ?? "", Text(rule, "table") ?? "", Text(rule, "chain") ?? "");
            if (!jumps.TryGetValue(key, out var targets))
            {
                targets = [];
                jumps[key] = targets;
            }

            CollectTargets(rule["expr"], targets);
        }

        return jumps;
    }

    /// <summary>The hooks whose base chains reach each chain (by jump or goto, at any depth).</summary>
    public IReadOnlyDictionary<(string Family, string Table, string Chain), HashSet<string>> HooksReaching()
    {
        var jumps = Jumps();
        var reached = new Dictionary<(string, string, string), HashSet<string>>();
        foreach (var start in BaseChains())
        {
            var queue = new Queue<string>([start.Name]);
            var seen = new HashSet<string>();
            while (queue.TryDequeue(out var chain))
            {
                if (!seen.Add(chain))
                {
                    continue;
                }

                var key = (start.Family, start.Table, chain);
                if (!reached.TryGetValue(key, out var hooks))
                {
                    hooks = [];
                    reached[key] = hooks;
                }

                hooks.Add(start.Hook);
                foreach (var next in jumps.GetValueOrDefault(key) ?? [])
                {
                    queue.Enqueue(next);
                }
            }
        }

        return reached;
    }

    private static void CollectTargets(JsonNode? node, HashSet<string> targets)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, value) in o)
                {
                    if (name is "jump" or "goto" && value is JsonObject verdict && Text(verdict, "target") is { } target)
                    {
                        targets.Add(target);
                    }
                    else
                    {
                        CollectTargets(value, targets);
                    }
                }

                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    CollectTargets(item, targets);
                }

                break;
        }
    }

    private long NewHandle() =>
        _items.Select(i => i is JsonObject o ? o.FirstOrDefault().Value as JsonObject : null)
            .Select(b => b is null ? 0 : Handle(b) ?? 0).DefaultIfEmpty(0).Max() + 1000;

    private static JsonObject? Body(JsonNode? item, string kind) => item is JsonObject o && o[kind] is JsonObject body ? body : null;

    private static bool Is(JsonObject o, string family, string table) => Text(o, "family") == family && Text(o, "table") == table;

    private static string? Text(JsonObject o, string name) => o[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static long? Handle(JsonObject o) => o["handle"] is JsonValue v && v.TryGetValue<long>(out var h) ? h : null;
}

/// <summary>A base chain as nft lists it: where it hooks, of what type, at which priority.</summary>
public sealed record BaseChain(string Family, string Table, string Name, string Hook, string Type, int Priority)
{
    /// <summary>The priority as nft writes it: <c>filter</c>, <c>filter - 10</c>, <c>dstnat</c>, else the number.</summary>
    public string PriorityName
    {
        get
        {
            (string Name, int Value)[] named = [("raw", -300), ("mangle", -150), ("dstnat", -100), ("filter", 0), ("security", 50), ("srcnat", 100)];
            var nearest = named.MinBy(n => Math.Abs(Priority - n.Value));
            var offset = Priority - nearest.Value;
            return Math.Abs(offset) > 20 ? Priority.ToString(System.Globalization.CultureInfo.InvariantCulture)
                : offset == 0 ? nearest.Name
                : $"{nearest.Name} {(offset < 0 ? "-" : "+")} {Math.Abs(offset)}";
        }
    }
}
