using System.Net;
using System.Text.Json;
using Cryptshare.Topology.Oracle.Model;
using Cryptshare.Topology.Oracle.Runtime;

namespace Cryptshare.Topology.Oracle.Compile;

internal enum MapData
{
    None,
    Verdict,
    Nat,
}

/// <summary>Compiles named sets and maps once (on first use) and anonymous ones where a rule holds them.</summary>
internal sealed class SetCompiler(IEnumerable<NftSetDef> definitions, Func<string, string, string, Chain?> findChain)
{
    private readonly Dictionary<(string, string, string), NftSetDef> _definitions =
        definitions.GroupBy(d => (d.Family, d.Table, d.Name)).ToDictionary(g => g.Key, g => g.First());

    private readonly Dictionary<(string, string, string), CompiledSet> _compiled = [];

    /// <summary>The set <c>@name</c> of a table; a construct it cannot read throws <see cref="NotModelledException"/>.</summary>
    public CompiledSet Named(string family, string table, string reference, MapData data)
    {
        var name = reference.TrimStart('@');
        if (!_compiled.TryGetValue((family, table, name), out var set))
        {
            if (!_definitions.TryGetValue((family, table, name), out var definition))
            {
                throw new NotModelledException($"set @{name} is not in the listing");
            }

            set = CompileNamed(definition, family, table);
            _compiled[(family, table, name)] = set;
        }

        if (set.Problem is not null)
        {
            throw new NotModelledException(set.Problem);
        }

        if ((data == MapData.Verdict && set.Verdicts is null) || (data == MapData.Nat && set.NatTargets is null))
        {
            throw new NotModelledException($"@{name} is not a {(data == MapData.Verdict ? "verdict" : "NAT")} map");
        }

        return set;
    }

    /// <summary>An anonymous set (<c>{ 80, 443 }</c>) or map (<c>{ 22 : accept }</c>) keyed by <paramref name="keyTypes"/>.</summary>
    public CompiledSet Anonymous(JsonElement elements, IReadOnlyList<ValueKind> keyTypes, MapData data, string family, string table, int natFamily)
    {
        var items = elements.ValueKind == JsonValueKind.Array ? elements.EnumerateArray().ToList() : [elements];
        var set = Build("{…}", items, keyTypes, data, null, family, table, natFamily);
        return set.Problem is null ? set : throw new NotModelledException(set.Problem);
    }

    private CompiledSet CompileNamed(NftSetDef definition, string family, string table)
    {
        var keyTypes = definition.KeyTypes.Select(ValueKinds.FromTypeName).ToList();
        var data = !definition.IsMap ? MapData.None : definition.DataTypes is ["verdict"] ? MapData.Verdict : MapData.Nat;
        var unsupported = definition.KeyTypes.Where(t => ValueKinds.FromTypeName(t) == ValueKind.Unsupported).ToList();
        if (unsupported.Count > 0)
        {
            return Problem(definition.Name, keyTypes, $"not modelled: set @{definition.Name} of type {string.Join(" . ", definition.KeyTypes)}");
        }

        var items = definition.Elements is { ValueKind: JsonValueKind.Array } elements ? elements.EnumerateArray().ToList() : [];
        try
        {
            var natTypes = data == MapData.Nat ? definition.DataTypes!.Select(ValueKinds.FromTypeName).ToList() : null;
            return Build("@" + definition.Name, items, keyTypes, data, natTypes, family, table, 0);
        }
        catch (NotModelledException e)
        {
            return Problem(definition.Name, keyTypes, $"not modelled in set @{definition.Name}: {e.Message}");
        }
    }

    private static CompiledSet Problem(string name, IReadOnlyList<ValueKind> keyTypes, string problem) =>
        new() { Name = "@" + name, KeyTypes = keyTypes, Problem = problem };

    private CompiledSet Build(string name, List<JsonElement> items, IReadOnlyList<ValueKind> keyTypes, MapData data,
        IReadOnlyList<ValueKind>? natTypes, string family, string table, int natFamily)
    {
        var keys = new List<JsonElement>();
        var values = new List<JsonElement>();
        foreach (var item in items)
        {
            if (data == MapData.None)
            {
                keys.Add(item);
            }
            else if (item.ValueKind == JsonValueKind.Array && item.GetArrayLength() == 2)
            {
                keys.Add(item[0]);
                values.Add(item[1]);
            }
            else
            {
                throw new NotModelledException($"map element {item.GetRawText()}");
            }
        }

        ElementSet? single = null;
        ConcatSet? concat = null;
        if (keyTypes.Count == 1)
        {
            single = ElementSet.Build(keys.Select(k => ValueReader.Part(k, keyTypes[0])).ToList(), data != MapData.None);
        }
        else
        {
            concat = new ConcatSet(keys.Select(k => ConcatParts(k, keyTypes)).ToList());
        }

        return new CompiledSet
        {
            Name = name,
            KeyTypes = keyTypes,
            Single = single,
            Concat = concat,
            Problem = single?.Problem,
            Verdicts = data == MapData.Verdict ? values.Select(v => Verdict(v, family, table)).ToArray() : null,
            NatTargets = data == MapData.Nat ? values.Select(v => NatTargetOf(v, natTypes, natFamily)).ToArray() : null,
        };
    }

    private static ElementPart[] ConcatParts(JsonElement element, IReadOnlyList<ValueKind> keyTypes)
    {
        if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty("elem", out var elem))
        {
            element = elem.GetProperty("val");
        }

        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("concat", out var parts) || parts.GetArrayLength() != keyTypes.Count)
        {
            throw new NotModelledException($"concatenated element {element.GetRawText()}");
        }

        return parts.EnumerateArray().Select((part, i) => ValueReader.Part(part, keyTypes[i])).ToArray();
    }

    /// <summary>A verdict in a map or rule: accept, drop, continue, return, jump/goto to a chain of the same table.</summary>
    public VerdictSpec Verdict(JsonElement value, string family, string table)
    {
        var property = value.ValueKind == JsonValueKind.Object ? value.EnumerateObject().FirstOrDefault() : default;
        switch (property.Name)
        {
            case "accept":
                return VerdictSpec.Accept;
            case "drop":
                return VerdictSpec.Drop;
            case "return":
                return VerdictSpec.Return;
            case "continue":
                return VerdictSpec.Continue;
            case "jump":
            case "goto":
                var target = property.Value.GetProperty("target").GetString()!;
                var chain = findChain(family, table, target) ?? throw new NotModelledException($"{property.Name} to chain {target}, which is not in the listing");
                return new VerdictSpec(property.Name == "jump" ? VerdictCode.Jump : VerdictCode.Goto, chain);
            default:
                throw new NotModelledException($"verdict {value.GetRawText()}");
        }
    }

    /// <summary>NAT map data: an address, or <c>address . port</c>.</summary>
    private static NatTarget NatTargetOf(JsonElement value, IReadOnlyList<ValueKind>? types, int natFamily)
    {
        if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("concat", out var concat) && concat.GetArrayLength() == 2)
        {
            var address = NatAddress(concat[0], types?[0], natFamily);
            var port = ValueReader.Part(concat[1], ValueKind.Port);
            return address with { PortLow = (int)port.Low, PortHigh = (int)port.High };
        }

        return NatAddress(value, types?[0], natFamily);
    }

    /// <summary>An address, range or prefix a NAT maps to.</summary>
    public static NatTarget NatAddress(JsonElement value, ValueKind? kind, int natFamily)
    {
        var addressKind = kind ?? GuessAddressKind(value, natFamily);
        var part = ValueReader.Part(value, addressKind);
        return new NatTarget(true, part.Low, part.High, -1, -1);
    }

    /// <summary>An anonymous map's data has no declared type: the address spelling tells IPv4 from IPv6.</summary>
    private static ValueKind GuessAddressKind(JsonElement value, int natFamily)
    {
        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Object when value.TryGetProperty("range", out var range) => range[0].GetString(),
            JsonValueKind.Object when value.TryGetProperty("prefix", out var prefix) => prefix.GetProperty("addr").GetString(),
            _ => null,
        };
        if (text is not null && IPAddress.TryParse(text, out var address))
        {
            return address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? ValueKind.Ipv6 : ValueKind.Ipv4;
        }

        return natFamily == 6 ? ValueKind.Ipv6 : ValueKind.Ipv4;
    }
}
