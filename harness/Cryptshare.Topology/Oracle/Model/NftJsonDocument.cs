using System.Globalization;
using System.Text.Json;

namespace Cryptshare.Topology.Oracle.Model;

internal sealed record NftChainDef(
    string Family, string Table, string Name, long Handle, string? Type, string? Hook, int Priority, string? Policy, int Order)
{
    public bool IsBase => Hook is not null;
}

internal sealed record NftSetDef(
    string Family, string Table, string Name, IReadOnlyList<string> KeyTypes, IReadOnlyList<string>? DataTypes, bool IsMap,
    IReadOnlyList<string> Flags, JsonElement? Elements);

/// <summary>A table; <see cref="Flags"/> as nft printed them (nft 1.0.6 prints a dormant table's flags as the table's name).</summary>
internal sealed record NftTableDef(string Family, string Name, IReadOnlyList<string> Flags);

internal sealed record NftRuleDef(string Family, string Table, string Chain, long Handle, string? Comment, JsonElement Expressions);

/// <summary>
/// The objects of <c>nft -j list ruleset</c>, in the order nft printed them (which is creation order:
/// it decides between base chains of equal priority). The JSON stays alive while the document lives.
/// </summary>
internal sealed class NftJsonDocument : IDisposable
{
    private readonly JsonDocument _json;

    private NftJsonDocument(JsonDocument json) => _json = json;

    public string? Version { get; private set; }

    public List<NftTableDef> Tables { get; } = [];

    public List<NftChainDef> Chains { get; } = [];

    public List<NftSetDef> Sets { get; } = [];

    public List<NftRuleDef> Rules { get; } = [];

    /// <summary>Object kinds nft listed that the oracle does not read (flowtables, named counters, …).</summary>
    public List<string> OtherObjects { get; } = [];

    public static NftJsonDocument Parse(string json)
    {
        JsonDocument parsed;
        try
        {
            parsed = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new FormatException("not JSON from 'nft -j list ruleset': " + e.Message, e);
        }

        var document = new NftJsonDocument(parsed);
        try
        {
            document.Read(parsed.RootElement);
        }
        catch
        {
            document.Dispose();
            throw;
        }

        return document;
    }

    public void Dispose() => _json.Dispose();

    private void Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("nftables", out var items) || items.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("not JSON from 'nft -j list ruleset': no top-level \"nftables\" array");
        }

        foreach (var item in items.EnumerateArray())
        {
            foreach (var property in item.EnumerateObject())
            {
                ReadObject(property.Name, property.Value);
            }
        }
    }

    private void ReadObject(string kind, JsonElement value)
    {
        switch (kind)
        {
            case "metainfo":
                Version = value.TryGetProperty("version", out var version) ? version.GetString() : null;
                break;
            case "table":
                Tables.Add(new NftTableDef(Text(value, "family"), Text(value, "name"), StringList(value, "flags")));
                break;
            case "chain":
                Chains.Add(new NftChainDef(
                    Text(value, "family"), Text(value, "table"), Text(value, "name"), Number(value, "handle"),
                    OptionalText(value, "type"), OptionalText(value, "hook"), Priority(value), OptionalText(value, "policy"), Chains.Count));
                break;
            case "set":
            case "map":
                Sets.Add(ReadSet(value, kind == "map"));
                break;
            case "rule":
                Rules.Add(new NftRuleDef(
                    Text(value, "family"), Text(value, "table"), Text(value, "chain"), Number(value, "handle"),
                    OptionalText(value, "comment"),
                    value.TryGetProperty("expr", out var expr) ? expr : default));
                break;
            default:
                OtherObjects.Add(kind);
                break;
        }
    }

    private static NftSetDef ReadSet(JsonElement value, bool isMap)
    {
        IReadOnlyList<string>? data = null;
        if (isMap && value.TryGetProperty("map", out var map))
        {
            data = TypeList(map);
        }

        var flags = StringList(value, "flags");
        return new NftSetDef(
            Text(value, "family"), Text(value, "table"), Text(value, "name"),
            value.TryGetProperty("type", out var type) ? TypeList(type) : [],
            data, isMap, flags,
            value.TryGetProperty("elem", out var elements) ? elements : null);
    }

    private static IReadOnlyList<string> StringList(JsonElement value, string name) =>
        !value.TryGetProperty(name, out var list) ? []
        : list.ValueKind == JsonValueKind.Array ? list.EnumerateArray().Select(f => f.ValueKind == JsonValueKind.String ? f.GetString()! : f.GetRawText()).ToList()
        : [list.ValueKind == JsonValueKind.String ? list.GetString()! : list.GetRawText()];

    /// <summary>"ipv4_addr", ["ipv4_addr", "inet_service"] or "ipv4_addr . inet_service".</summary>
    private static IReadOnlyList<string> TypeList(JsonElement type) =>
        type.ValueKind == JsonValueKind.Array
            ? type.EnumerateArray().Select(t => t.GetString() ?? "").ToList()
            : (type.GetString() ?? "").Split(" . ", StringSplitOptions.TrimEntries);

    /// <summary>nft 1.0.6 prints the priority as a number; newer versions may print a name such as "filter" or "dstnat - 5".</summary>
    private static int Priority(JsonElement chain)
    {
        if (!chain.TryGetProperty("prio", out var prio))
        {
            return 0;
        }

        if (prio.ValueKind == JsonValueKind.Number)
        {
            return prio.GetInt32();
        }

        var words = (prio.GetString() ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var hook = OptionalText(chain, "hook");
        var family = OptionalText(chain, "family");
        var value = NamedPriority(words.FirstOrDefault() ?? "", family, hook);
        if (words.Length == 3 && int.TryParse(words[2], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            value += words[1] == "-" ? -offset : offset;
        }

        return value;
    }

    private static int NamedPriority(string name, string? family, string? hook) => name switch
    {
        "raw" => -300,
        "mangle" => -150,
        "dstnat" => family == "bridge" ? -300 : -100,
        "filter" => family == "bridge" ? -200 : 0,
        "security" => 50,
        "srcnat" => family == "bridge" ? 300 : 100,
        "out" => 100,
        _ when int.TryParse(name, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) => number,
        _ => throw new FormatException($"chain priority '{name}' (hook {hook}) is not a known name"),
    };

    private static string Text(JsonElement value, string name) =>
        OptionalText(value, name) ?? throw new FormatException($"nft JSON object without \"{name}\": {value.GetRawText()}");

    private static string? OptionalText(JsonElement value, string name) =>
        value.TryGetProperty(name, out var property) && property.ValueKind == JsonValueKind.String ? property.GetString() : null;

    private static long Number(JsonElement value, string name) =>
        value.TryGetProperty(name, out var property) && property.ValueKind == JsonValueKind.Number
            ? property.GetInt64()
            : throw new FormatException($"nft JSON object without a numeric \"{name}\": {value.GetRawText()}");
}
