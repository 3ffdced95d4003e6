using System.Text.RegularExpressions;

namespace Cryptshare.Topology.RuleSets;

/// <summary>
/// What a server's host firewall file holds, and so how the server loads it: statements of one input
/// chain (<c>NAME.host.nft</c> without a <c>table</c>; the server wraps them in its table
/// <c>inet ctt_host</c>), a whole ruleset (<c>NAME.host.nft</c> with tables of its own, as
/// <c>nft list ruleset</c> prints it; loaded as it is), or <c>iptables-save</c> output
/// (<c>NAME.host.rules</c>; loaded by <c>iptables-restore</c>).
/// </summary>
public enum HostFirewallFormat
{
    InputChainStatements,
    NftRuleset,
    IptablesSave,
}

/// <summary>The formats a rule file may have: nftables text, or iptables-save output (translated before use); a host firewall file: statements of its input chain, or a whole ruleset.</summary>
public static partial class RuleSetFormat
{
    /// <summary>The format of a host firewall file's text (an iptables-save file whatever its name: its sections say so).</summary>
    public static HostFirewallFormat OfHostFirewall(string text) =>
        IsIptablesSave(text) ? HostFirewallFormat.IptablesSave
        : IsWholeRuleset(text) ? HostFirewallFormat.NftRuleset
        : HostFirewallFormat.InputChainStatements;

    /// <summary>An iptables-save file has table sections (*filter …) closed by COMMIT.</summary>
    public static bool IsIptablesSave(string text) =>
        TableHeader().IsMatch(text) && text.Split('\n').Any(l => l.Trim() == "COMMIT");

    /// <summary>
    /// A host firewall file that is a whole ruleset (<c>nft list ruleset</c> of the server: tables of
    /// its own) rather than the statements of the input chain the server wraps in its table.
    /// </summary>
    public static bool IsWholeRuleset(string text) => WholeRulesetTable().IsMatch(text);

    /// <summary>The line of a whole ruleset's first <c>table</c>, 1-based (0 when there is none).</summary>
    public static int FirstTableLine(string text) =>
        WholeRulesetTable().Match(text) is { Success: true } match ? text[..match.Index].Count(c => c == '\n') + 1 : 0;

    [GeneratedRegex(@"^\*(filter|nat|mangle|raw|security)\s*$", RegexOptions.Multiline)]
    private static partial Regex TableHeader();

    [GeneratedRegex(@"^[ \t]*(add[ \t]+)?table[ \t]", RegexOptions.Multiline)]
    private static partial Regex WholeRulesetTable();
}
