using System.Text.Json;
using Cryptshare.Topology.RuleSets;

namespace Cryptshare.Topology.Oracle.Kernel;

/// <summary>
/// The kernel's rules of an iptables-save file loaded by iptables-restore, named as the oracle
/// names them. The kernel holds what iptables-restore made (handles of its own, matches nft prints
/// as <c>xt</c>), the oracle reads the file's translation by iptables-restore-translate; both are
/// the file's <c>-A</c> lines in order, so a kernel rule is the translation's rule written on the
/// same line of the customer's file. A rule the translator could not express has no counterpart
/// (the kernel's reference then stays, and the oracle, which could not predict past it, disagrees
/// by saying nothing).
/// </summary>
public sealed class IptablesKernelRules
{
    private readonly Dictionary<(string Family, string Table, long Handle), RuleReference> _byKernelHandle = [];

    private IptablesKernelRules()
    {
    }

    /// <param name="saved">The iptables-save file as sent (and as iptables-restore loaded it).</param>
    /// <param name="translation">Its translation (nft text), whose JSON is <paramref name="translationJson"/>.</param>
    /// <param name="kernelJson">nft's JSON of the kernel's rule set after iptables-restore.</param>
    /// <param name="translationJson">nft's JSON of the translation, what the oracle compiled.</param>
    public static IptablesKernelRules Of(string saved, string translation, string kernelJson, string translationJson)
    {
        var map = new IptablesKernelRules();
        var translated = RuleLines.OfIptablesSave(saved, translation);
        var byLine = new Dictionary<int, RuleReference>();
        foreach (var chain in NftOracle.FromJson(translationJson).Rules.GroupBy(r => (r.Family, r.Table, r.Chain)))
        {
            foreach (var (rule, index) in chain.Select((r, i) => (r, i)))
            {
                if (translated.LineOf(rule.Family, rule.Table, rule.Chain, index) is { } line)
                {
                    byLine[line] = rule;
                }
            }
        }

        var restored = RuleLines.OfIptablesRestore(saved);
        foreach (var chain in KernelRules(kernelJson).GroupBy(r => (r.Family, r.Table, r.Chain)))
        {
            foreach (var (rule, index) in chain.Select((r, i) => (r, i)))
            {
                if (restored.LineOf(rule.Family, rule.Table, rule.Chain, index) is { } line && byLine.TryGetValue(line, out var reference))
                {
                    map._byKernelHandle[(rule.Family, rule.Table, rule.Handle)] = reference;
                }
            }
        }

        return map;
    }

    /// <summary>How many kernel rules have their counterpart in the translation.</summary>
    public int Count => _byKernelHandle.Count;

    /// <summary>The translation's reference for a kernel rule; a policy, or a rule without counterpart, as it is.</summary>
    public RuleReference? Name(RuleReference? kernel) =>
        kernel is { Handle: { } handle } && _byKernelHandle.TryGetValue((kernel.Family, kernel.Table, handle), out var translated) ? translated : kernel;

    /// <summary>The rules of nft's JSON listing, in listing order (the kernel lists a chain's rules in their order).</summary>
    private static List<(string Family, string Table, string Chain, long Handle)> KernelRules(string nftJson)
    {
        var rules = new List<(string, string, string, long)>();
        using var document = JsonDocument.Parse(nftJson);
        if (document.RootElement.TryGetProperty("nftables", out var items))
        {
            foreach (var item in items.EnumerateArray())
            {
                if (item.TryGetProperty("rule", out var rule) && rule.TryGetProperty("handle", out var handle))
                {
                    rules.Add((Text(rule, "family"), Text(rule, "table"), Text(rule, "chain"), handle.GetInt64()));
                }
            }
        }

        return rules;
    }

    private static string Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) ? value.GetString() ?? "" : "";
}
