using System.Text.Json;

namespace Cryptshare.Topology.Oracle.Kernel;

/// <summary>
/// What the trace does not say and nft's JSON does: each base chain's type (filter or nat decides
/// which accept counts), each rule's comment, and which rules translate a packet's source (snat,
/// masquerade), by handle.
/// </summary>
public sealed class RuleSetCatalog
{
    private readonly Dictionary<(string Family, string Table, string Chain), string> _baseChainTypes = [];
    private readonly Dictionary<(string Family, string Table, long Handle), string?> _comments = [];
    private readonly HashSet<(string Family, string Table, long Handle)> _sourceTranslations = [];
    private readonly HashSet<(string Family, string Table)> _tables = [];

    /// <summary>
    /// The catalog of a listing, read once per listing string: while a matrix is probed, the drops
    /// watch attributes the trace again at every new line, each time with the same listing.
    /// </summary>
    public static RuleSetCatalog FromJson(string nftJson) => Catalogs.GetValue(nftJson, Read);

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<string, RuleSetCatalog> Catalogs = new();

    private static RuleSetCatalog Read(string nftJson)
    {
        var catalog = new RuleSetCatalog();
        using var document = JsonDocument.Parse(nftJson);
        if (!document.RootElement.TryGetProperty("nftables", out var items))
        {
            return catalog;
        }

        foreach (var item in items.EnumerateArray())
        {
            if (item.TryGetProperty("table", out var table) && table.ValueKind == JsonValueKind.Object)
            {
                catalog._tables.Add((Text(table, "family"), Text(table, "name")));
            }
            else if (item.TryGetProperty("chain", out var chain) && chain.TryGetProperty("hook", out _))
            {
                catalog._baseChainTypes[(Text(chain, "family"), Text(chain, "table"), Text(chain, "name"))] =
                    chain.TryGetProperty("type", out var type) ? type.GetString() ?? "filter" : "filter";
            }
            else if (item.TryGetProperty("rule", out var rule) && rule.TryGetProperty("handle", out var handle))
            {
                var key = (Text(rule, "family"), Text(rule, "table"), handle.GetInt64());
                catalog._comments[key] = rule.TryGetProperty("comment", out var comment) ? comment.GetString() : null;
                if (rule.TryGetProperty("expr", out var statements) && statements.ValueKind == JsonValueKind.Array
                    && statements.EnumerateArray().Any(s => s.ValueKind == JsonValueKind.Object && (s.TryGetProperty("snat", out _) || s.TryGetProperty("masquerade", out _))))
                {
                    catalog._sourceTranslations.Add(key);
                }
            }
        }

        return catalog;
    }

    /// <summary>Whether the listing holds this table.</summary>
    public bool Defines(string family, string table) => _tables.Contains((family, table));

    /// <summary>Whether this base chain is of type nat (its accepts only set up translations).</summary>
    public bool IsNat(string family, string table, string chain) =>
        _baseChainTypes.TryGetValue((family, table, chain), out var type) && type == "nat";

    public string? CommentOf(string family, string table, long handle) => _comments.GetValueOrDefault((family, table, handle));

    /// <summary>Whether the rule translates the source of the packets it matches (snat, masquerade).</summary>
    public bool TranslatesSource(string family, string table, long handle) => _sourceTranslations.Contains((family, table, handle));

    private static string Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) ? value.GetString() ?? "" : "";
}
