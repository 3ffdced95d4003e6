using System.Text.Json;
using Cryptshare.Topology.RuleSets;

namespace Cryptshare.Topology.Oracle.Kernel;

/// <summary>
/// Whether a rule set decides a retransmitted SYN as it decided the first, read from nft's JSON
/// listing rule by rule. A rule that counts, limits or samples packets (limit, quota, numgen, ct
/// count, and iptables' recent, hashlimit, connlimit, statistic, time) can match the first SYN and
/// not the next; that changes nothing when all the rule does besides is observe: count, log, or
/// jump into a chain that itself only observes. ufw and Shorewall rate-limit every LOG rule that
/// way. A rule that updates a set or a meter from the packet path changes what later rules see, so
/// it is unstable wherever it is.
/// </summary>
public static class RetransmissionStability
{
    /// <summary>Matches whose outcome depends on packets before this one or on the clock.</summary>
    private static readonly string[] CountingMatches = ["limit", "quota", "numgen", "ct count"];

    /// <summary>iptables matches (listed by nft as <c>xt</c>, by name only) that count, remember or sample.</summary>
    private static readonly string[] CountingXtMatches = ["recent", "hashlimit", "connlimit", "statistic", "quota", "limit", "time"];

    /// <summary>Statements that change state other rules read, wherever they stand.</summary>
    private static readonly string[] AlwaysUnstable = ["meter", "synproxy"];

    /// <summary>Statements with no effect on any verdict.</summary>
    private static readonly string[] Observing = ["match", "counter", "log", "limit", "quota", "numgen", "ct count"];

    /// <summary>The first construct that may decide a retransmission differently, named with its chain; null when every decision repeats.</summary>
    public static string? Unstable(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var document = JsonDocument.Parse(json);
        var chains = new Dictionary<(string, string, string), List<JsonElement>>();
        foreach (var item in document.RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (item.TryGetProperty("rule", out var rule) && rule.TryGetProperty("expr", out var expr))
            {
                var key = ChainOf(rule, "chain");
                if (!chains.TryGetValue(key, out var rules))
                {
                    chains[key] = rules = [];
                }

                rules.Add(expr);
            }
        }

        var walk = new ChainWalk(chains);
        foreach (var ((family, table, chain), rules) in chains)
        {
            foreach (var expr in rules)
            {
                if (Statements(expr).FirstOrDefault(s => AlwaysUnstable.Contains(s.Name) || IsSetUpdate(s)) is { Name: { } changing })
                {
                    return $"the rule set uses {changing} (chain {chain} of {family} {table}), which may decide a retransmitted SYN differently";
                }

                if (Counting(expr) is { } counting && !walk.WithoutEffect(expr, (family, table, chain), insideObservingChain: walk.Observes((family, table, chain))))
                {
                    return $"the rule set uses {counting} (chain {chain} of {family} {table}) in a rule that decides, which may decide a retransmitted SYN differently";
                }
            }
        }

        return null;
    }

    private static (string, string, string) ChainOf(JsonElement rule, string chainProperty) =>
        (rule.GetProperty("family").GetString() ?? string.Empty, rule.GetProperty("table").GetString() ?? string.Empty, rule.GetProperty(chainProperty).GetString() ?? string.Empty);

    private static IEnumerable<(string Name, JsonElement Value)> Statements(JsonElement expr) =>
        expr.EnumerateArray().SelectMany(s => s.ValueKind == JsonValueKind.Object ? s.EnumerateObject().Select(p => (p.Name, p.Value)) : []);

    private static bool IsSetUpdate((string Name, JsonElement Value) statement) =>
        statement.Name == "set" && statement.Value.ValueKind == JsonValueKind.Object && statement.Value.TryGetProperty("op", out var op) && op.GetString() is "add" or "update";

    /// <summary>The counting construct a rule holds (in a statement or anywhere inside a match), or null.</summary>
    private static string? Counting(JsonElement expr)
    {
        var text = expr.GetRawText();
        foreach (var (name, value) in Statements(expr))
        {
            if (name == "xt" && value.TryGetProperty("type", out var type) && type.GetString() == "match" && value.TryGetProperty("name", out var xtName)
                && CountingXtMatches.Contains(xtName.GetString()))
            {
                return $"-m {xtName.GetString()}";
            }
        }

        return CountingMatches.FirstOrDefault(key => text.Contains($"\"{key}\"", StringComparison.Ordinal));
    }

    /// <summary>Which chains only observe, and whether a rule's effect is nothing but observation.</summary>
    private sealed class ChainWalk(Dictionary<(string, string, string), List<JsonElement>> chains)
    {
        private readonly Dictionary<(string, string, string), bool> _observes = [];

        /// <summary>A chain every rule of which has no effect (a chain being looked at already counts as deciding: a loop is no proof).</summary>
        public bool Observes((string, string, string) chain)
        {
            if (_observes.TryGetValue(chain, out var known))
            {
                return known;
            }

            _observes[chain] = false;
            var observes = chains.TryGetValue(chain, out var rules) && rules.All(expr => WithoutEffect(expr, chain, insideObservingChain: true));
            _observes[chain] = observes;
            return observes;
        }

        /// <summary>
        /// The rule only observes: its statements count or log, and its verdict (if any) jumps into an
        /// observing chain, or, when its own chain observes, returns or goes to an observing chain
        /// (skipping the rest of an observing chain skips nothing that decides).
        /// </summary>
        public bool WithoutEffect(JsonElement expr, (string Family, string Table, string Chain) chain, bool insideObservingChain)
        {
            foreach (var (name, value) in Statements(expr))
            {
                var ok = name switch
                {
                    "xt" => value.TryGetProperty("type", out var type) && (type.GetString() == "match"
                        || (value.TryGetProperty("name", out var target) && target.GetString() is { } targetName && IptablesTranslationRepair.ObservingTargets.Contains(targetName))),
                    "jump" => Observes((chain.Family, chain.Table, Target(value))),
                    "goto" => insideObservingChain && Observes((chain.Family, chain.Table, Target(value))),
                    "return" => insideObservingChain,
                    _ => Observing.Contains(name),
                };
                if (!ok)
                {
                    return false;
                }
            }

            return true;
        }

        private static string Target(JsonElement value) => value.TryGetProperty("target", out var target) ? target.GetString() ?? string.Empty : string.Empty;
    }
}
