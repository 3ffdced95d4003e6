using System.Buffers;
using System.Text;
using System.Text.Json;

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

    /// <summary>
    /// nft's JSON without the harness's tables and everything in them. A listing that never names
    /// the trace table (every <c>analyze</c> listing) is returned as it is; otherwise the objects
    /// are copied one by one from a read-only document: a mutable tree of a 100,000-rule listing
    /// would cost several times the listing's size.
    /// </summary>
    public static string Without(string nftJson)
    {
        ArgumentNullException.ThrowIfNull(nftJson);
        if (!nftJson.Contains($"\"{Trace}\"", StringComparison.Ordinal))
        {
            return nftJson;
        }

        using var document = JsonDocument.Parse(nftJson);
        if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("nftables", out var items) || items.ValueKind != JsonValueKind.Array)
        {
            return nftJson;
        }

        var output = new ArrayBufferWriter<byte>(nftJson.Length);
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.NameEquals("nftables"))
                {
                    writer.WriteStartArray(property.Name);
                    foreach (var item in items.EnumerateArray().Where(i => !BelongsToHarness(i)))
                    {
                        item.WriteTo(writer);
                    }

                    writer.WriteEndArray();
                }
                else
                {
                    property.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    /// <summary>An object of the listing (<c>{"rule": {...}}</c>) that is a harness table or lies in one.</summary>
    private static bool BelongsToHarness(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        foreach (var (kind, body) in item.EnumerateObject().Select(p => (p.Name, p.Value)).Take(1))
        {
            if (body.ValueKind == JsonValueKind.Object
                && body.TryGetProperty(kind == "table" ? "name" : "table", out var table)
                && table.ValueKind == JsonValueKind.String
                && IsHarness(table.GetString()!))
            {
                return true;
            }
        }

        return false;
    }
}
