using System.Net;
using System.Text;
using Bogus;
using Cryptshare.Topology.Fixtures.Engine;

namespace Cryptshare.Topology.Tests.Integration.Oracle;

/// <summary>A generated rule set (nft text) and the connections to probe under it.</summary>
public sealed record GeneratedRuleSet(int Index, string Text, IReadOnlyList<(string SourceZone, IPAddress Destination, int Port)> Flows);

/// <summary>
/// Random but valid nftables rule sets for the lab, from a seed (Bogus's <see cref="Randomizer"/>):
/// a filter table with forward and input chains (policies accept or drop), regular chains reached
/// by jump, goto and verdict maps (and left by return), an optional prerouting filter chain before
/// or after the DNAT slot, an optional NAT table (DNAT of the firewall's address to a client of
/// another zone, directly or through a map; masquerade); matches on interface names (values, sets,
/// wildcards, negation), addresses (host, prefix, range, sets, named interval sets, negation),
/// ports (values, ranges, sets, named sets, negation), concatenations, ct state and ct status;
/// verdicts accept, drop, reject (three kinds), counters; and shadowed copies of earlier rules.
/// Port ranges either cover the clients' whole ephemeral range or none of it, so a verdict never
/// depends on the port the kernel picks.
/// </summary>
public sealed class RuleSetGenerator(int seed, IReadOnlyList<LabZone> zones)
{
    private readonly Randomizer _random = new(seed);
    private int _rule;

    public int Seed => seed;

    public GeneratedRuleSet Next(int index)
    {
        _rule = 0;
        var text = new StringBuilder($"# generated rule set {index} (seed {seed})\n");
        if (_random.Bool(0.5f))
        {
            text.Append(NatTable());
        }

        var subChains = _random.Int(0, 2);
        text.Append("table inet lab {\n");
        text.Append("\tset ports { type inet_service; flags interval; auto-merge; elements = { ").Append(string.Join(", ", PortValues(3))).Append(" } }\n");
        text.Append("\tset nets { type ipv4_addr; flags interval; auto-merge; elements = { ").Append(string.Join(", ", Addresses(2).Distinct())).Append(" } }\n");
        text.Append("\tmap verdicts { type inet_service : verdict; elements = { ").Append(VerdictMapElements(subChains)).Append(" } }\n");
        for (var sub = subChains; sub >= 1; sub--)
        {
            text.Append($"\tchain sub{sub} {{\n");
            foreach (var rule in Rules(forward: true, subChains, sub))
            {
                text.Append("\t\t").Append(rule).Append('\n');
            }

            text.Append("\t}\n");
        }

        text.Append(BaseChain("forward", "forward", "filter", forward: true, subChains));
        text.Append(BaseChain("input", "input", "filter", forward: false, subChains));
        if (_random.Bool(0.3f))
        {
            text.Append(PreroutingChain());
        }

        text.Append("}\n");
        return new GeneratedRuleSet(index, text.ToString(), Flows());
    }

    /// <summary>
    /// A rule set written for the lab (<c>Oracle/rulesets/NAME.nft</c>), its <c>{zone.firewall}</c>,
    /// <c>{zone.client}</c> and <c>{zone.subnet}</c> replaced by the lab's addresses, with every connection of <see cref="Flows(IReadOnlyList{LabZone})"/>.
    /// </summary>
    public static GeneratedRuleSet Written(string name, IReadOnlyList<LabZone> zones)
    {
        var text = File.ReadAllText(Path.Combine(RepositoryLayout.Root, "tests", "Cryptshare.Topology.Tests.Integration", "Oracle", "rulesets", name + ".nft"));
        foreach (var zone in zones)
        {
            text = text.Replace($"{{{zone.Name}.firewall}}", zone.Firewall.ToString(), StringComparison.Ordinal)
                .Replace($"{{{zone.Name}.client}}", zone.Client.ToString(), StringComparison.Ordinal)
                .Replace($"{{{zone.Name}.subnet}}", zone.Subnet.ToString(), StringComparison.Ordinal);
        }

        return new GeneratedRuleSet(0, text, Flows(zones));
    }

    /// <summary>Every client to every listening port of every other client, and to every firewall address.</summary>
    private List<(string, IPAddress, int)> Flows() => Flows(zones);

    private static List<(string, IPAddress, int)> Flows(IReadOnlyList<LabZone> zones)
    {
        var flows = new List<(string, IPAddress, int)>();
        foreach (var source in zones)
        {
            foreach (var port in DifferentialLab.ListeningPorts)
            {
                flows.AddRange(zones.Where(z => z != source).Select(z => (source.Name, z.Client, port)));
                flows.AddRange(zones.Select(z => (source.Name, z.Firewall, port)));
            }
        }

        return flows;
    }

    private string NatTable()
    {
        var text = new StringBuilder("table ip nat {\n\tchain prerouting {\n\t\ttype nat hook prerouting priority dstnat; policy accept;\n");
        for (var i = _random.Int(1, 3); i > 0; i--)
        {
            // A zone's firewall address published to a client of another zone: only for sources
            // in that zone (a source DNATed to itself would answer itself, not through the firewall).
            var published = _random.ListItem(zones.ToList());
            var targets = zones.Where(z => z != published).ToList();
            var port = _random.ArrayElement(DifferentialLab.ListeningPorts);
            var target = _random.ListItem(targets);
            var action = _random.Int(0, 2) switch
            {
                0 => $"dnat to {target.Client}",
                1 => $"dnat to {target.Client}:{_random.ArrayElement(DifferentialLab.ListeningPorts)}",
                _ => $"dnat to tcp dport map {{ {string.Join(", ", DifferentialLab.ListeningPorts.Select(p => $"{p} : {_random.ListItem(targets).Client}"))} }}",
            };
            var ports = _random.Bool(0.5f) ? $"tcp dport {port}" : "meta l4proto tcp";
            text.Append($"\t\tiifname \"{published.Name}\" ip daddr {published.Firewall} {ports} {action} comment \"{NextName()}\"\n");
        }

        text.Append("\t}\n");
        if (_random.Bool(0.3f))
        {
            var zone = _random.ListItem(zones.ToList());
            text.Append($"\tchain postrouting {{\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n\t\toifname \"{zone.Name}\" masquerade comment \"{NextName()}\"\n\t}}\n");
        }

        text.Append("}\n");
        return text.ToString();
    }

    private string BaseChain(string name, string hook, string type, bool forward, int subChains)
    {
        var text = new StringBuilder($"\tchain {name} {{\n\t\ttype {type} hook {hook} priority filter; policy {(_random.Bool(0.5f) ? "accept" : "drop")};\n");
        if (_random.Bool(0.6f))
        {
            text.Append($"\t\tct state established,related accept comment \"{NextName()}\"\n");
        }

        foreach (var rule in Rules(forward, subChains, 0))
        {
            text.Append("\t\t").Append(rule).Append('\n');
        }

        return text.Append("\t}\n").ToString();
    }

    /// <summary>A prerouting filter chain, before the DNAT slot (sees the published address) or after it (sees the client's).</summary>
    private string PreroutingChain()
    {
        var text = new StringBuilder($"\tchain early {{\n\t\ttype filter hook prerouting priority {(_random.Bool(0.5f) ? -150 : -50)}; policy accept;\n");
        for (var i = _random.Int(1, 3); i > 0; i--)
        {
            var verdict = _random.Int(0, 2) switch { 0 => "accept", 1 => "drop", _ => "counter" };
            text.Append($"\t\t{Matches(forward: true, count: _random.Int(1, 2))} {verdict} comment \"{NextName()}\"\n");
        }

        return text.Append("\t}\n").ToString();
    }

    private IEnumerable<string> Rules(bool forward, int subChains, int inSub)
    {
        var rules = new List<string>();
        var matchesSoFar = new List<string>();
        for (var i = _random.Int(2, 7); i > 0; i--)
        {
            // Shadowed: an earlier rule's matches again, with another verdict the kernel never reaches.
            var matches = matchesSoFar.Count > 0 && _random.Bool(0.15f)
                ? _random.ListItem(matchesSoFar)
                : Matches(forward, _random.Int(0, 3));
            matchesSoFar.Add(matches);
            rules.Add($"{matches} {Verdict(subChains, inSub)} comment \"{NextName()}\"".TrimStart());
        }

        return rules;
    }

    private string Verdict(int subChains, int inSub)
    {
        // Jumps only go deeper (sub1 → sub2), so no chain can loop.
        var deeper = Enumerable.Range(inSub + 1, Math.Max(0, subChains - inSub)).ToList();
        var roll = _random.Int(0, 99);
        return roll switch
        {
            < 30 => "accept",
            < 48 => "drop",
            < 54 => "reject with tcp reset",
            < 59 => "reject with icmpx admin-prohibited",
            < 63 => "reject",
            < 70 when deeper.Count > 0 => $"jump sub{_random.ListItem(deeper)}",
            < 74 when deeper.Count > 0 => $"goto sub{_random.ListItem(deeper)}",
            < 80 when inSub > 0 => "return",
            < 86 => VerdictMap(subChains, inSub),
            < 90 => "counter",
            _ => "accept",
        };
    }

    private string VerdictMap(int subChains, int inSub) =>
        inSub == 0 && _random.Bool(0.5f)
            ? "tcp dport vmap @verdicts"
            : $"tcp dport vmap {{ {string.Join(", ", DifferentialLab.ListeningPorts.Where(_ => _random.Bool(0.7f)).Select(p => $"{p} : {_random.ArrayElement(new[] { "accept", "drop" })}").DefaultIfEmpty("80 : accept"))} }}";

    private string VerdictMapElements(int subChains)
    {
        var verdicts = new List<string> { "accept", "drop" };
        verdicts.AddRange(Enumerable.Range(1, subChains).Select(s => $"jump sub{s}"));
        return string.Join(", ", DifferentialLab.ListeningPorts.Where(_ => _random.Bool(0.7f)).DefaultIfEmpty(443).Select(p => $"{p} : {_random.ListItem(verdicts)}"));
    }

    private string Matches(bool forward, int count)
    {
        var kinds = new List<Func<string>>
        {
            () => $"iifname {Interfaces()}",
            () => $"ip saddr {AddressMatch()}",
            () => $"ip daddr {AddressMatch()}",
            () => $"tcp dport {PortMatch()}",
            () => $"tcp sport {SourcePortMatch()}",
            () => $"ct state {CtState()}",
            () => "meta l4proto tcp",
            () => $"ip daddr . tcp dport {{ {string.Join(", ", Enumerable.Range(0, _random.Int(1, 3)).Select(_ => $"{Address()} . {_random.ArrayElement(DifferentialLab.ListeningPorts)}").Distinct())} }}",
        };
        if (forward)
        {
            kinds.Add(() => $"oifname {Interfaces()}");
            kinds.Add(() => "ct status dnat");
        }

        return string.Join(' ', Enumerable.Range(0, count).Select(_ => _random.ListItem(kinds)()).Distinct());
    }

    private string Interfaces() => _random.Int(0, 4) switch
    {
        0 => $"\"{_random.ListItem(zones.ToList()).Name}\"",
        1 => $"!= \"{_random.ListItem(zones.ToList()).Name}\"",
        2 => $"{{ {string.Join(", ", _random.ListItems(zones.ToList(), 2).Select(z => $"\"{z.Name}\""))} }}",
        3 => $"\"{_random.ListItem(zones.ToList()).Name[..2]}*\"",
        _ => $"\"{_random.ListItem(zones.ToList()).Name}\"",
    };

    private string AddressMatch() => _random.Int(0, 5) switch
    {
        0 => Address(),
        1 => $"{{ {string.Join(", ", Addresses(2).Distinct())} }}",
        2 => "@nets",
        3 => $"!= {_random.ListItem(zones.ToList()).Subnet}",
        4 => Range(),
        _ => _random.ListItem(zones.ToList()).Subnet.ToString(),
    };

    private IEnumerable<string> Addresses(int count) => Enumerable.Range(0, count).Select(_ => _random.Bool(0.3f) ? _random.ListItem(zones.ToList()).Subnet.ToString() : Address());

    private string Address()
    {
        var zone = _random.ListItem(zones.ToList());
        return (_random.Bool(0.7f) ? zone.Client : zone.Firewall).ToString();
    }

    private string Range()
    {
        var zone = _random.ListItem(zones.ToList());
        var bytes = zone.Client.GetAddressBytes();
        var low = (byte[])bytes.Clone();
        low[3] = (byte)_random.Int(1, 9);
        var high = (byte[])bytes.Clone();
        high[3] = (byte)_random.Int(11, 253);
        if (_random.Bool(0.3f))
        {
            high[3] = 9;
        }

        return $"{new IPAddress(low)}-{new IPAddress(high)}";
    }

    private string PortMatch() => _random.Int(0, 5) switch
    {
        0 => _random.ArrayElement(DifferentialLab.ListeningPorts).ToString(),
        1 => $"{{ {string.Join(", ", PortValues(2))} }}",
        2 => "@ports",
        3 => $"!= {_random.ArrayElement(DifferentialLab.ListeningPorts)}",
        4 => _random.ArrayElement(new[] { "1-1024", "20-100", "400-500", "8000-9000", "30000-50000", "40000-40999" }),
        _ => _random.ArrayElement(DifferentialLab.ListeningPorts).ToString(),
    };

    /// <summary>Values or ranges for a set: listening ports, and ranges that hold all or none of the ephemeral ports.</summary>
    private IEnumerable<string> PortValues(int count) => Enumerable.Range(0, count)
        .Select(_ => _random.Bool(0.7f) ? _random.ArrayElement(DifferentialLab.ListeningPorts).ToString() : _random.ArrayElement(new[] { "20-25", "440-450", "8000-8100", "40000-40999" }))
        .Distinct();

    private string SourcePortMatch() => _random.ArrayElement(new[]
    {
        "40000-40999", "!= 40000-40999", "1-1023", "{ 22, 80, 443, 8080 }", "30000-65535", "80",
    });

    private string CtState() => _random.ArrayElement(new[]
    {
        "new", "established", "established,related", "{ new, established }", "!= established", "related", "invalid",
    });

    private string NextName() => $"r{++_rule}";
}
