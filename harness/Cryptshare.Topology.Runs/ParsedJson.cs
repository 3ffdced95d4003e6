using Cryptshare.Topology.Fixtures.Firewall;
using Cryptshare.Topology.RuleSets;

namespace Cryptshare.Topology.Runs;

/// <summary>
/// nft's JSON of every rule set, by rule-set name: the fix advisor reads the compiled rule set (the
/// rules, their lines, their sets) from it, for <c>run</c> exactly as for <c>analyze</c>.
/// </summary>
public static class ParsedJson
{
    /// <summary>Parses every rule set as <c>analyze</c> does (nft in a jail): what <c>run</c>'s diagnosis reads.</summary>
    public static async Task<IReadOnlyDictionary<string, RuleSetJson>> ParseAsync(MatrixInputs inputs, CancellationToken ct)
    {
        await using var parser = NftRuleSetParser.Best();
        var parsed = await Task.WhenAll(inputs.RuleSets.Select(r => parser.ParseAsync(r, inputs.Topology, ct)));
        return ByName(inputs, parsed);
    }

    /// <summary>Rule sets and what nft parsed of them, in the same order, by name.</summary>
    public static IReadOnlyDictionary<string, RuleSetJson> ByName(MatrixInputs inputs, IReadOnlyList<ParsedRuleSet> parsed) =>
        inputs.RuleSets.Zip(parsed).ToDictionary(p => p.First.Name, p => new RuleSetJson(p.Second.FirewallJson, p.Second.HostFirewallJson));
}
