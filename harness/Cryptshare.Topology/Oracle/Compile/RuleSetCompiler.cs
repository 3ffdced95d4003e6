using System.Runtime.InteropServices;
using System.Text.Json;
using Cryptshare.Topology.Oracle.Model;
using Cryptshare.Topology.Oracle.Runtime;
using Cryptshare.Topology.Oracle.Text;

namespace Cryptshare.Topology.Oracle.Compile;

/// <summary>The whole rule set, compiled: chains with their steps and indexes, and the hook pipeline.</summary>
internal sealed class CompiledRuleSet
{
    public required Pipeline Pipeline { get; init; }

    public required IReadOnlyList<Chain> Chains { get; init; }

    /// <summary>Set when something outside the modelled hooks can decide every packet (a netdev ingress chain): every verdict is then unknown.</summary>
    public string? GlobalProblem { get; init; }

    public required IReadOnlyList<(RuleReference Rule, string Reason)> Unmodelled { get; init; }

    /// <summary>
    /// Whether conntrack runs for an IP version. The kernel enables it in a network namespace only
    /// when a rule needs it (a ct expression, a NAT statement); without it no packet has a connection
    /// and NAT chains are not run at all (checked on kernel 6.x).
    /// </summary>
    public required bool ConntrackV4 { get; init; }

    public required bool ConntrackV6 { get; init; }

    public bool Conntrack(int family) => family == 6 ? ConntrackV6 : ConntrackV4;

    /// <summary>Some rule sets a connection's mark (<c>ct mark set</c>): a later packet's <c>ct mark</c> is then not known.</summary>
    public bool SetsCtMark { get; init; }
}

internal static class RuleSetCompiler
{
    /// <summary>Below this many rules a chain is scanned; the index would cost more than it saves.</summary>
    public const int IndexThreshold = 8;

    private static readonly HashSet<string> IpFamilies = ["ip", "ip6", "inet"];

    public static CompiledRuleSet Compile(NftJsonDocument document, bool useIndex)
    {
        // A dormant table sees no packets. Flags other than dormant, owner and persist are how nft
        // 1.0.6 prints a dormant table (its name): that cannot be read for sure, so it is a problem.
        var dormant = document.Tables.Where(t => t.Flags.Contains("dormant")).Select(t => (t.Family, t.Name)).ToHashSet();
        var unreadable = document.Tables.FirstOrDefault(t => t.Flags.Any(f => f is not ("dormant" or "owner" or "persist")));
        var rulesByChain = document.Rules.GroupBy(r => (r.Family, r.Table, r.Chain)).ToDictionary(g => g.Key, g => g.ToList());
        var chains = document.Chains.Where(c => IpFamilies.Contains(c.Family) && !dormant.Contains((c.Family, c.Table))
                && c.Hook is null or "prerouting" or "input" or "forward" or "output" or "postrouting")
            .Select(c => new Chain
            {
                Family = c.Family,
                Table = c.Table,
                Name = c.Name,
                Hook = c.Hook,
                Type = c.Type ?? "filter",
                Priority = c.Priority,
                PolicyDrop = c.Policy == "drop",
                Order = c.Order,
            })
            .ToList();
        var byName = chains.GroupBy(c => (c.Family, c.Table, c.Name)).ToDictionary(g => g.Key, g => g.First());
        var sets = new SetCompiler(document.Sets, (family, table, name) => byName.GetValueOrDefault((family, table, name)));
        var compiler = new RuleCompiler(sets);
        var unmodelled = new List<(RuleReference, string)>();
        foreach (var chain in chains)
        {
            var definitions = rulesByChain.GetValueOrDefault((chain.Family, chain.Table, chain.Name)) ?? [];
            chain.Rules = definitions.Select(d =>
            {
                var steps = compiler.Compile(d);
                var reference = new RuleReference(d.Family, d.Table, d.Chain, d.Handle, d.Comment, RuleText.Render(d.Expressions, d.Family));
                var dummy = default(PacketFields);
                unmodelled.AddRange(steps.Where(s => s is UnknownCondition or UnknownAction).Select(s => (reference, s.WhyUnknown(ref dummy))));
                return new Rule(reference, steps);
            }).ToArray();
            if (useIndex && chain.Rules.Length >= IndexThreshold)
            {
                chain.Index = new ChainIndex(chain.Rules.Select(Constraints).ToList());
            }
        }

        var conntrackFamilies = document.Rules.Where(r => NeedsConntrack(r.Expressions)).Select(r => r.Family).ToHashSet();
        return new CompiledRuleSet
        {
            ConntrackV4 = conntrackFamilies.Contains("ip") || conntrackFamilies.Contains("inet"),
            ConntrackV6 = conntrackFamilies.Contains("ip6") || conntrackFamilies.Contains("inet"),
            Pipeline = new Pipeline(chains.Where(c => c.IsBase).ToList()),
            Chains = chains,
            GlobalProblem = unreadable is not null
                ? $"not modelled: table {unreadable.Family} {unreadable.Name} has flags '{string.Join(",", unreadable.Flags)}' (nft 1.0.6 prints a dormant table so)"
                : GlobalProblem(document, rulesByChain),
            Unmodelled = unmodelled,
            SetsCtMark = compiler.SetsCtMark,
        };
    }

    /// <summary>
    /// A ct expression or statement of any kind, or a NAT, anywhere in the rule. Walked on the
    /// listing's raw property names: every rule is walked, and a string per property name was
    /// a good part of a large rule set's compile.
    /// </summary>
    private static bool NeedsConntrack(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (NeedsConntrack(item))
                    {
                        return true;
                    }
                }

                return false;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (IsConntrackName(JsonMarshal.GetRawUtf8PropertyName(property)) || NeedsConntrack(property.Value))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }

    /// <summary><c>ct</c>, <c>ct …</c> (helper, timeout, expectation, count), or a statement that needs a connection: dnat, snat, masquerade, redirect, flow, synproxy.</summary>
    private static bool IsConntrackName(ReadOnlySpan<byte> name) =>
        name.SequenceEqual("ct"u8) || name.StartsWith("ct "u8)
        || name.SequenceEqual("dnat"u8) || name.SequenceEqual("snat"u8) || name.SequenceEqual("masquerade"u8)
        || name.SequenceEqual("redirect"u8) || name.SequenceEqual("flow"u8) || name.SequenceEqual("synproxy"u8);

    /// <summary>What a packet must satisfy for the rule to do anything: its conditions up to the first action, and that action if it is a verdict map.</summary>
    internal static RuleConstraints Constraints(Rule rule)
    {
        var constraints = new RuleConstraints();
        foreach (var step in rule.Steps)
        {
            if (step.IsCondition)
            {
                step.Constrain(constraints);
                continue;
            }

            if (step is VmapAction)
            {
                step.Constrain(constraints);
            }

            break;
        }

        return constraints;
    }

    /// <summary>
    /// Ingress and egress chains (netdev, or inet ingress) run before prerouting / after postrouting
    /// on devices nft's JSON does not name: one with rules or a drop policy may decide any packet.
    /// Bridge and arp tables never see routed IP packets.
    /// </summary>
    private static string? GlobalProblem(NftJsonDocument document, Dictionary<(string, string, string), List<NftRuleDef>> rules)
    {
        var hooked = document.Chains.FirstOrDefault(c =>
            (c.Family == "netdev" || (c.Family == "inet" && c.Hook is "ingress" or "egress"))
            && c.Hook is not null
            && (c.Policy == "drop" || rules.ContainsKey((c.Family, c.Table, c.Name))));
        return hooked is null ? null : $"not modelled: {hooked.Family} {hooked.Table} {hooked.Name} at the {hooked.Hook} hook";
    }
}
