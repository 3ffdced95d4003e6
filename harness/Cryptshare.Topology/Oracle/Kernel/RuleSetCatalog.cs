using System.Text.Json;

namespace Cryptshare.Topology.Oracle.Kernel;

/// <summary>
/// What the trace does not say and nft's JSON does: each base chain's type (filter or nat decides
/// which accept counts) and each rule's comment, by handle.
/// </summary>
public sealed class RuleSetCatalog
{
    private readonly Dictionary<(string Family, string Table, string Chain), string> _baseChainTypes = [];
    private readonly Dictionary<(string Family, string Table, long Handle), string?> _comments = [];

    public static RuleSetCatalog FromJson(string nftJson)
    {
        var catalog = new RuleSetCatalog();
        using var document = JsonDocument.Parse(nftJson);
        if (!document.RootElement.TryGetProperty("nftables", out var items))
        {
            return catalog;
        }

        foreach (var item in items.EnumerateArray())
        {
            if (item.TryGetProperty("chain", out var chain) && chain.TryGetProperty("hook", out _))
            {
                catalog._baseChainTypes[(Text(chain, "family"), Text(chain, "table"), Text(chain, "name"))] =
                    chain.TryGetProperty("type", out var type) ? type.GetString() ?? "filter" : "filter";
            }
            else if (item.TryGetProperty("rule", out var rule) && rule.TryGetProperty("handle", out var handle))
            {
                catalog._comments[(Text(rule, "family"), Text(rule, "table"), handle.GetInt64())] =
                    rule.TryGetProperty("comment", out var comment) ? comment.GetString() : null;
            }
        }

        return catalog;
    }

    /// <summary>Whether this base chain is of type nat (its accepts only set up translations).</summary>
    public bool IsNat(string family, string table, string chain) =>
        _baseChainTypes.TryGetValue((family, table, chain), out var type) && type == "nat";

    public bool IsBaseChain(string family, string table, string chain) => _baseChainTypes.ContainsKey((family, table, chain));

    public string? CommentOf(string family, string table, long handle) => _comments.GetValueOrDefault((family, table, handle));

    private static string Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) ? value.GetString() ?? "" : "";
}
