using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Cryptshare.Topology.Oracle.Matrix;

namespace Cryptshare.Topology.Reports;

/// <summary>
/// A named set of address-and-port pairs (<c>type ipv4_addr . inet_service</c>) that holds a
/// flow's port for another address but not for the flow's own: the mark of two pairs written the
/// wrong way round. Read from nft's JSON (the set's elements); only the set's line is found in
/// the file's text.
/// </summary>
public sealed record SetPairs(string Family, string Table, string Name, int AddressAt, IPAddress Other, IPAddress Address, int Port, string Why)
{
    public static SetPairs? Find(RuleSetRules rules, IPAddress address, int port)
    {
        foreach (var (family, table, name, set) in rules.Structure.Sets())
        {
            if (set["type"] is not JsonArray type || type.Count != 2)
            {
                continue;
            }

            var addressAt = type.Select(t => t?.GetValue<string>()).ToList().IndexOf("ipv4_addr");
            if (addressAt < 0 || type[1 - addressAt]?.GetValue<string>() != "inet_service")
            {
                continue;
            }

            var pairs = Elements(set).Select(e => (Address: Text(e[addressAt]), Port: Number(e[1 - addressAt]))).ToList();
            if (pairs.Any(p => p.Port == port && p.Address == address.ToString()) || pairs.FirstOrDefault(p => p.Port == port && p.Address is not null) is not { Address: { } other })
            {
                continue;
            }

            var line = SetLine(rules.Text, name);
            var where = line is null ? $"set {name}" : $"set {name} ({rules.File}:{line})";
            var swapped = pairs.Where(p => p.Address == address.ToString()).Select(p => $"`{address} . {p.Port}`").FirstOrDefault();
            var why = $"{where} holds `{other} . {port}` but not `{address} . {port}`, the pair this flow needs" +
                (swapped is null ? string.Empty : $", and {swapped} instead: the addresses of two pairs look swapped");
            return new SetPairs(family, table, name, addressAt, IPAddress.Parse(other), address, port, why);
        }

        return null;
    }

    /// <summary>The missing pair added to the set.</summary>
    public IReadOnlyList<ProposedChange> Changes(FlowUnderDiagnosis flow)
    {
        var element = AddressAt == 0 ? $"{Address} . {Port}" : $"{Port} . {Address}";
        var (family, table, name, addressAt, address, port) = (Family, Table, Name, AddressAt, Address, Port);
        return
        [
            new ProposedChange(Hops.Firewall, edit => AddElement(edit, family, table, name, addressAt, address, port),
                $"add the pair to the set: `add element {family} {table} {name} {{ {element} }}`"),
        ];
    }

    private static bool AddElement(NftJsonEdit edit, string family, string table, string name, int addressAt, IPAddress address, int port)
    {
        var set = edit.Sets().FirstOrDefault(s => s.Family == family && s.Table == table && s.Name == name).Set;
        if (set is null)
        {
            return false;
        }

        if (set["elem"] is not JsonArray elements)
        {
            elements = [];
            set["elem"] = elements;
        }

        var concat = new JsonArray();
        concat.Add(addressAt == 0 ? address.ToString() : port);
        concat.Add(addressAt == 0 ? port : address.ToString());
        elements.Add(new JsonObject { ["concat"] = concat });
        return true;
    }

    private static IEnumerable<JsonArray> Elements(JsonObject set) =>
        (set["elem"] as JsonArray ?? []).Select(e => e is JsonObject o ? (o["concat"] ?? o["elem"]?["val"]?["concat"]) as JsonArray : null).OfType<JsonArray>().Where(c => c.Count == 2);

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static int? Number(JsonNode? node) => node is JsonValue v && v.TryGetValue<int>(out var n) ? n : null;

    private static int? SetLine(string text, string name)
    {
        var lines = text.Split('\n');
        var pattern = new Regex($@"^\s*(add\s+)?set\s+(\S+\s+)*?{Regex.Escape(name)}\s*\{{?", RegexOptions.None, TimeSpan.FromSeconds(1));
        var index = Array.FindIndex(lines, l => pattern.IsMatch(l));
        return index < 0 ? null : index + 1;
    }
}
