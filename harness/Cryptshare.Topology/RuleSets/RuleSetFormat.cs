using System.Text.RegularExpressions;

namespace Cryptshare.Topology.RuleSets;

/// <summary>The two formats a rule file may have: nftables text, or iptables-save output (translated before use).</summary>
public static partial class RuleSetFormat
{
    /// <summary>An iptables-save file has table sections (*filter …) closed by COMMIT.</summary>
    public static bool IsIptablesSave(string text) =>
        TableHeader().IsMatch(text) && text.Split('\n').Any(l => l.Trim() == "COMMIT");

    [GeneratedRegex(@"^\*(filter|nat|mangle|raw|security)\s*$", RegexOptions.Multiline)]
    private static partial Regex TableHeader();
}
