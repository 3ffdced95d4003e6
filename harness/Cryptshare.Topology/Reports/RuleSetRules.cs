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
    private readonly RuleLines _lines;
    private readonly string _json;
    private NftJsonEdit? _structure;
    private IReadOnlyDictionary<(string Family, string Table, string Chain), HashSet<string>>? _hooks;

    private RuleSetRules(string file, NftOracle compiled, RuleLines lines, string text, string nftJson, bool iptables = false)
    {
        File = file;
        Text = text;
        IsIptablesSave = iptables;
        _json = nftJson;
        _compiled = compiled;
        _lines = lines;
        _rules = compiled.RuleFacts
            .GroupBy(f => (f.Rule.Family, f.Rule.Table, f.Rule.Chain))
            .SelectMany(chain => chain.Select((facts, i) => new LocatedRule(facts, lines.LineOf(facts.Rule.Family, facts.Rule.Table, facts.Rule.Chain, i))))
            .OrderBy(r => r.Line ?? int.MaxValue)
            .ToList();
    }

    /// <summary>
    /// The perimeter firewall's rule set: the file as loaded and nft's JSON of it; for an
    /// iptables-save file the loaded text is its translation and <paramref name="savedText"/> the
    /// file as sent, whose lines every rule is placed on.
    /// </summary>
    public static RuleSetRules Perimeter(string file, string loadedText, string nftJson, string? savedText = null)
    {
        var json = HarnessTables.Without(nftJson);
        var lines = savedText is null ? RuleLines.OfFile(loadedText) : RuleLines.OfIptablesSave(savedText, loadedText);
        return new(file, NftOracle.FromJson(json), lines, savedText ?? loadedText, json, savedText is not null);
    }

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
        return new RuleSetRules(file, compiled, RuleLines.OfStatements(statements, HostFirewallTable.Family, HostFirewallTable.Name, HostFirewallTable.Chain, Math.Max(0, chain.Count - own)), statements, nftJson);
    }

    /// <summary>The file's name as the diagnosis prints it (without folders).</summary>
    public string File { get; }

    /// <summary>The customer's file as sent (the lines are of it).</summary>
    public string Text { get; }

    /// <summary>The customer's file is iptables-save output: fixes are written as iptables rules.</summary>
    public bool IsIptablesSave { get; }

    /// <summary>The rule set's structure in nft's JSON: base chains, jumps, sets.</summary>
    public NftJsonEdit Structure => _structure ??= new NftJsonEdit(_json);

    /// <summary>The compiled rule a reference names (by family, table, chain and handle), with its line; null for a policy or an unknown rule.</summary>
    public LocatedRule? Locate(RuleReference? rule) =>
        rule?.Handle is null ? null : _rules.FirstOrDefault(r => RuleReference.Same(r.Facts.Rule, rule));

    /// <summary>The line that sets a base chain's policy, for a deciding policy (a reference without handle); null where the file does not say.</summary>
    public int? PolicyLine(RuleReference? rule) =>
        rule is { Handle: null } && rule.Text.StartsWith("policy", StringComparison.Ordinal) ? _lines.PolicyLineOf(rule.Family, rule.Table, rule.Chain) : null;

    /// <summary>The first rule of a chain in the file, or null when the chain has none.</summary>
    public LocatedRule? FirstIn(string family, string table, string chain) =>
        _rules.FirstOrDefault(r => r.Facts.Rule.Family == family && r.Facts.Rule.Table == table && r.Facts.Rule.Chain == chain);

    /// <summary>The last rule of a chain in the file, or null when the chain has none.</summary>
    public LocatedRule? LastIn(string family, string table, string chain) =>
        _rules.LastOrDefault(r => r.Facts.Rule.Family == family && r.Facts.Rule.Table == table && r.Facts.Rule.Chain == chain);

    /// <summary>The hooks whose base chains reach a chain (directly or by jump and goto).</summary>
    public IReadOnlySet<string> HooksReaching(string family, string table, string chain) =>
        (_hooks ??= Structure.HooksReaching()).GetValueOrDefault((family, table, chain)) ?? [];

    /// <summary>Rules that accept traffic to a destination port (a port condition that admits it), in file order.</summary>
    public IEnumerable<LocatedRule> Accepting(int port) => _rules.Where(r => r.Facts.Accepts && r.Facts.IsAboutDestinationPort(port));

    /// <summary>
    /// Rules that accept traffic from a source port and say nothing about the destination port: the
    /// port written in the wrong column (iptables' <c>--sport</c> for <c>--dport</c>).
    /// </summary>
    public IEnumerable<LocatedRule> AcceptingFromSourcePort(int port) =>
        _rules.Where(r => r.Facts.Accepts && r.Facts.IsAboutSourcePort(port) && !r.Facts.IsAboutAnyDestinationPort);

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
        if (rule.Facts.Rule.Comment is { } comment)
        {
            return $"{place} (\"{comment}\")";
        }

        // An iptables-save file's rule is shown as the customer wrote it, not as its translation.
        var written = IsIptablesSave && rule.Line is { } at && Text.Split('\n') is { } lines && at <= lines.Length ? lines[at - 1].Trim() : rule.Facts.Rule.Text;
        return $"{place} ({Shorten(written)})";
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
