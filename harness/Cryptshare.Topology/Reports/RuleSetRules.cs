using Cryptshare.Topology.Oracle;
using Cryptshare.Topology.Oracle.Matrix;
using Cryptshare.Topology.RuleSets;

namespace Cryptshare.Topology.Reports;

/// <summary>A compiled rule with the line of the file it came from (null where the file does not say).</summary>
public sealed record LocatedRule(RuleFacts Facts, int? Line);

/// <summary>
/// A rule set as the fix advisor reads it: the oracle's compiled rules (what each does, which
/// ports and states its conditions admit, its tables), each placed on the line of the file the
/// support engineer sent. It reads no rule's text: meaning comes from the compiled rule set,
/// lines from the file's structure (<see cref="RuleLines"/>).
/// </summary>
public sealed class RuleSetRules
{
    private readonly NftOracle _compiled;
    private readonly IReadOnlyList<LocatedRule> _rules;

    private RuleSetRules(string file, NftOracle compiled, RuleLines lines)
    {
        File = file;
        _compiled = compiled;
        _rules = compiled.RuleFacts
            .GroupBy(f => (f.Rule.Family, f.Rule.Table, f.Rule.Chain))
            .SelectMany(chain => chain.Select((facts, i) => new LocatedRule(facts, lines.LineOf(facts.Rule.Family, facts.Rule.Table, facts.Rule.Chain, i))))
            .OrderBy(r => r.Line ?? int.MaxValue)
            .ToList();
    }

    /// <summary>The perimeter firewall's rule set: the file as loaded (an iptables-save file in its translation, line for line) and nft's JSON of it.</summary>
    public static RuleSetRules Perimeter(string file, string loadedText, string nftJson) =>
        new(file, NftOracle.FromJson(HarnessTables.Without(nftJson)), RuleLines.OfFile(loadedText));

    /// <summary>
    /// The server's own firewall: its file holds bare statements that the server includes into the
    /// input chain of its table after rules of its own; nft's JSON is that table.
    /// </summary>
    public static RuleSetRules HostFirewall(string file, string statements, string nftJson)
    {
        var compiled = NftOracle.FromJson(nftJson);
        var chain = compiled.RuleFacts.Where(f => f.Rule.Table == HostFirewallTable.Name && f.Rule.Chain == HostFirewallTable.Chain).ToList();
        var own = RuleLines.OfStatements(statements, HostFirewallTable.Family, HostFirewallTable.Name, HostFirewallTable.Chain, 0)
            .CountOf(HostFirewallTable.Family, HostFirewallTable.Name, HostFirewallTable.Chain);
        return new RuleSetRules(file, compiled, RuleLines.OfStatements(statements, HostFirewallTable.Family, HostFirewallTable.Name, HostFirewallTable.Chain, Math.Max(0, chain.Count - own)));
    }

    /// <summary>The file's name as the diagnosis prints it (without folders).</summary>
    public string File { get; }

    /// <summary>Rules that accept traffic to a destination port (a port condition that admits it), in file order.</summary>
    public IEnumerable<LocatedRule> Accepting(int port) => _rules.Where(r => r.Facts.Accepts && r.Facts.IsAboutDestinationPort(port));

    /// <summary>Rules that drop or reject traffic to a destination port, in file order.</summary>
    public IEnumerable<LocatedRule> Refusing(int port) => _rules.Where(r => r.Facts.Refuses && r.Facts.IsAboutDestinationPort(port));

    /// <summary>Whether some rule accepts packets of established connections (the return-traffic rule).</summary>
    public bool AcceptsReturnTraffic => _rules.Any(r => r.Facts.Accepts && r.Facts.IsAboutEstablished);

    /// <summary>Whether a table of this name is in the rule set (a deciding rule names its table).</summary>
    public bool DefinesTable(string table) => _compiled.Tables.Any(t => t.Name == table);

    /// <summary><c>file:line ("comment")</c>, or <c>file:line (rule)</c> without a comment: the way the diagnosis points at a rule.</summary>
    public string Describe(LocatedRule rule)
    {
        var place = rule.Line is { } line ? $"{File}:{line}" : File;
        return rule.Facts.Rule.Comment is { } comment ? $"{place} (\"{comment}\")" : $"{place} ({Shorten(rule.Facts.Rule.Text)})";
    }

    private static string Shorten(string code) => code.Length <= 70 ? code : code[..69] + "…";
}

/// <summary>The server's host firewall table (containers/cryptshare-server/host-firewall.nft), whose input chain includes the rule set's host file.</summary>
public static class HostFirewallTable
{
    public const string Family = "inet";

    public const string Name = Oracle.Kernel.KernelAttribution.HostTable;

    public const string Chain = "input";
}
