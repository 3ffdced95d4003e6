using System.Net;
using System.Text.Json.Nodes;

namespace Cryptshare.Topology.Reports;

/// <summary>
/// A rule a fix adds, written three ways from the same fields: as nft statements, as an iptables
/// rule (<c>-A CHAIN … -j ACCEPT</c>) and as nft's JSON for the proof. Only the conditions the
/// fixes need: interfaces, a source network, a destination address, a TCP destination port, the
/// return-traffic states.
/// </summary>
public sealed record FixRule(bool Accept)
{
    public string? InputInterface { get; init; }

    public string? OutputInterface { get; init; }

    public IPNetwork? Source { get; init; }

    public IPAddress? Destination { get; init; }

    public int? Port { get; init; }

    /// <summary>Packets of established and related connections (the return-traffic rule).</summary>
    public bool ReturnTraffic { get; init; }

    public string Nft()
    {
        var parts = new List<string>();
        if (ReturnTraffic)
        {
            parts.Add("ct state established,related");
        }

        if (InputInterface is { } iif)
        {
            parts.Add($"iifname \"{iif}\"");
        }

        if (OutputInterface is { } oif)
        {
            parts.Add($"oifname \"{oif}\"");
        }

        if (Source is { } source)
        {
            parts.Add($"ip saddr {source}");
        }

        if (Destination is { } destination)
        {
            parts.Add($"ip daddr {destination}");
        }

        if (Port is { } port)
        {
            parts.Add($"tcp dport {port}");
        }

        parts.Add(Accept ? "accept" : "drop");
        return string.Join(' ', parts);
    }

    public string Iptables(string chain)
    {
        var parts = new List<string> { "-A", chain };
        if (InputInterface is { } iif)
        {
            parts.Add($"-i {iif}");
        }

        if (OutputInterface is { } oif)
        {
            parts.Add($"-o {oif}");
        }

        if (Source is { } source)
        {
            parts.Add($"-s {source}");
        }

        if (Destination is { } destination)
        {
            parts.Add($"-d {destination}/32");
        }

        if (Port is { } port)
        {
            parts.Add($"-p tcp -m tcp --dport {port}");
        }

        if (ReturnTraffic)
        {
            parts.Add("-m conntrack --ctstate RELATED,ESTABLISHED");
        }

        parts.Add(Accept ? "-j ACCEPT" : "-j DROP");
        return string.Join(' ', parts);
    }

    /// <summary>The rule's expression list as <c>nft -j</c> prints it.</summary>
    public JsonArray Json()
    {
        var expression = new JsonArray();
        if (ReturnTraffic)
        {
            expression.Add(Match("in", new JsonObject { ["ct"] = new JsonObject { ["key"] = "state" } }, new JsonArray("established", "related")));
        }

        if (InputInterface is { } iif)
        {
            expression.Add(Match("==", Meta("iifname"), iif));
        }

        if (OutputInterface is { } oif)
        {
            expression.Add(Match("==", Meta("oifname"), oif));
        }

        if (Source is { } source)
        {
            expression.Add(Match("==", Payload("ip", "saddr"), new JsonObject
            {
                ["prefix"] = new JsonObject { ["addr"] = source.BaseAddress.ToString(), ["len"] = source.PrefixLength },
            }));
        }

        if (Destination is { } destination)
        {
            expression.Add(Match("==", Payload("ip", "daddr"), destination.ToString()));
        }

        if (Port is { } port)
        {
            expression.Add(Match("==", Payload("tcp", "dport"), port));
        }

        expression.Add(new JsonObject { [Accept ? "accept" : "drop"] = null });
        return expression;
    }

    private static JsonObject Match(string op, JsonNode left, JsonNode? right) =>
        new() { ["match"] = new JsonObject { ["op"] = op, ["left"] = left, ["right"] = right } };

    private static JsonObject Meta(string key) => new() { ["meta"] = new JsonObject { ["key"] = key } };

    private static JsonObject Payload(string protocol, string field) =>
        new() { ["payload"] = new JsonObject { ["protocol"] = protocol, ["field"] = field } };
}
