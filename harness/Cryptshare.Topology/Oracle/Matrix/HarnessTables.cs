using System.Text.Json.Nodes;

namespace Cryptshare.Topology.Oracle.Matrix;

/// <summary>
/// Tables the harness itself adds to a firewall's rule set: they decide nothing (the trace table
/// only marks packets), so neither the oracle nor the kernel attribution counts them.
/// </summary>
public static class HarnessTables
{
    /// <summary>The trace table (<c>inet ctt_trace</c>, containers/firewall/trace.nft).</summary>
    public const string Trace = "ctt_trace";

    public static bool IsHarness(string table) => table == Trace;

    /// <summary>nft's JSON without the harness's tables and everything in them.</summary>
    public static string Without(string nftJson)
    {
        var root = JsonNode.Parse(nftJson) ?? throw new FormatException("empty nft JSON");
        if (root["nftables"] is not JsonArray items)
        {
            return nftJson;
        }

        for (var i = items.Count - 1; i >= 0; i--)
        {
            if (items[i] is JsonObject item && item.FirstOrDefault() is var (kind, body) && body is JsonObject inner && BelongsToHarness(kind, inner))
            {
                items.RemoveAt(i);
            }
        }

        return root.ToJsonString();
    }

    private static bool BelongsToHarness(string kind, JsonObject inner)
    {
        var table = kind == "table" ? inner["name"] : inner["table"];
        return table is JsonValue value && value.TryGetValue<string>(out var name) && IsHarness(name);
    }
}
