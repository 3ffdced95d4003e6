namespace Cryptshare.Topology.RuleSets;

/// <summary>
/// Where each rule of a rule-set file sits: the line of the k-th rule of every chain. nft's JSON,
/// which the oracle compiles, has no line numbers, and the k-th rule it lists in a chain is the
/// k-th rule the file gave that chain, so this reads only the file's structure (tables, chains,
/// blocks, <c>add</c>/<c>insert rule</c> commands), never what a rule means. An iptables-save
/// file is read through its translation, each rule placed on the file's own line (<see cref="OfIptablesSave"/>).
/// </summary>
public sealed class RuleLines
{
    private readonly Dictionary<(string Family, string Table, string Chain), List<int>> _lines = [];
    private readonly Dictionary<(string Family, string Table, string Chain), int> _policies = [];

    private RuleLines()
    {
    }

    /// <summary>The 1-based line of a chain's rule at <paramref name="index"/> (0-based, as nft lists it); null when the file does not say.</summary>
    public int? LineOf(string family, string table, string chain, int index) =>
        _lines.TryGetValue((family, table, chain), out var lines) && index >= 0 && index < lines.Count && lines[index] > 0 ? lines[index] : null;

    /// <summary>The 1-based line that sets a base chain's policy (<c>policy drop;</c>, iptables-save's <c>:FORWARD DROP</c>); null when the file does not say.</summary>
    public int? PolicyLineOf(string family, string table, string chain) =>
        _policies.TryGetValue((family, table, chain), out var line) ? line : null;

    /// <summary>Every chain the file gives rules, with each rule's line in order (0 where the file does not say).</summary>
    public IEnumerable<((string Family, string Table, string Chain) Chain, IReadOnlyList<int> Lines)> Chains =>
        _lines.Select(pair => (pair.Key, (IReadOnlyList<int>)pair.Value));

    /// <summary>How many rules the file gives a chain.</summary>
    public int CountOf(string family, string table, string chain) => _lines.TryGetValue((family, table, chain), out var lines) ? lines.Count : 0;

    /// <summary>An nftables file: <c>table</c> blocks with <c>chain</c> blocks, or <c>add</c>/<c>insert rule</c> commands.</summary>
    public static RuleLines OfFile(string text)
    {
        var found = new RuleLines();
        string? family = null, table = null, chain = null;
        var depth = 0;
        int? tableDepth = null, chainDepth = null;
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var code = Code(lines[i]);
            var words = code.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0)
            {
                continue;
            }

            var atStart = depth;
            if (tableDepth is null && words[0] == "table" && code.Contains('{'))
            {
                (family, table) = words.Length >= 3 && words[2] != "{" ? (words[1], words[2].TrimEnd('{')) : ("ip", words[1].TrimEnd('{'));
                tableDepth = atStart + 1;
            }
            else if (tableDepth == atStart && chainDepth is null && words[0] == "chain" && words.Length >= 2 && code.Contains('{'))
            {
                chain = words[1].TrimEnd('{');
                chainDepth = atStart + 1;
                found.Rules(family!, table!, chain);
            }
            else if (chainDepth == atStart && !IsChainProperty(words[0]) && words[0] != "}")
            {
                found.Rules(family!, table!, chain!).Add(i + 1);
            }
            else if (chainDepth == atStart && Array.IndexOf(words, "policy") is >= 0 and var at && at + 1 < words.Length && words[at + 1].TrimEnd(';') is "accept" or "drop")
            {
                found._policies[(family!, table!, chain!)] = i + 1;
            }
            else if (tableDepth is null && words.Length >= 4 && words[0] is "add" or "insert" && words[1] == "rule")
            {
                // add rule [family] table chain statement…; insert puts it first (position/handle: not followed).
                var named = words.Length >= 5 && IsFamily(words[2]) ? (words[2], words[3], words[4]) : ("ip", words[2], words[3]);
                var rules = found.Rules(named.Item1, named.Item2, named.Item3);
                var positioned = words.Contains("position") || words.Contains("handle") || words.Contains("index");
                if (words[0] == "add" && !positioned)
                {
                    rules.Add(i + 1);
                }
                else
                {
                    rules.Insert(0, positioned ? 0 : i + 1);
                }
            }

            depth += code.Count(c => c == '{') - code.Count(c => c == '}');
            if (chainDepth is not null && depth < chainDepth)
            {
                chainDepth = null;
                chain = null;
            }

            if (tableDepth is not null && depth < tableDepth)
            {
                tableDepth = null;
                table = null;
            }
        }

        return found;
    }

    /// <summary>
    /// An iptables-save file as iptables-restore loads it into the kernel (the nf_tables backend):
    /// every <c>-A CHAIN …</c> line of a <c>*TABLE</c> section is the next rule of chain CHAIN of
    /// table <c>ip TABLE</c>, none left out, so the k-th rule the kernel lists in a chain is the
    /// k-th line that appended to it.
    /// </summary>
    public static RuleLines OfIptablesRestore(string saved)
    {
        var found = new RuleLines();
        var (written, policies) = SavedLines(saved);
        foreach (var (table, chain, line) in written)
        {
            found.Rules("ip", table, chain).Add(line);
        }

        foreach (var (table, chain, line) in policies)
        {
            found._policies[("ip", table, chain)] = line;
        }

        return found;
    }

    /// <summary>The <c>-A CHAIN</c> lines and the <c>:CHAIN POLICY</c> lines of an iptables-save file, with their table and 1-based line, in order.</summary>
    private static (List<(string Table, string Chain, int Line)> Written, List<(string Table, string Chain, int Line)> Policies) SavedLines(string saved)
    {
        var written = new List<(string Table, string Chain, int Line)>();
        var policies = new List<(string Table, string Chain, int Line)>();
        string? table = null;
        var lines = saved.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.StartsWith('*'))
            {
                table = line[1..].Trim();
            }
            else if (table is not null && line.StartsWith(':') && line.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [var name, "ACCEPT" or "DROP", ..])
            {
                policies.Add((table, name[1..], i + 1));
            }
            else if (table is not null && line.StartsWith("-A ", StringComparison.Ordinal) && line.Split(' ', StringSplitOptions.RemoveEmptyEntries) is { Length: >= 2 } words)
            {
                written.Add((table, words[1], i + 1));
            }
        }

        return (written, policies);
    }

    /// <summary>
    /// An iptables-save file through its translation: every <c>-A CHAIN …</c> line of the file is
    /// one line of the translation, in order (<c>add rule ip TABLE CHAIN …</c>, or a
    /// <c># -t TABLE -A CHAIN …</c> comment for a rule the translator could not express, which is in
    /// no chain), so the k-th rule of a chain is placed on the line of the customer's file that wrote
    /// it. The file's comment header and its <c>*table</c> and <c>:CHAIN</c> lines do not shift
    /// anything. When the two do not pair up (a translation of another file), no line is claimed.
    /// </summary>
    public static RuleLines OfIptablesSave(string saved, string translation)
    {
        var (written, policies) = SavedLines(saved);
        var found = new RuleLines();
        var k = 0;
        foreach (var line in translation.Split('\n').Select(l => l.Trim()))
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var translated = words.Length >= 5 && words[0] == "add" && words[1] == "rule";
            var untranslated = words.Length >= 5 && words[0] == "#" && words[1] == "-t" && words[3] == "-A";
            if (!translated && !untranslated)
            {
                continue;
            }

            var (ruleTable, ruleChain) = translated ? (words[3], IptablesTranslationRepair.Restore(words[4])) : (words[2], words[4]);
            if (k >= written.Count || written[k].Table != ruleTable || written[k].Chain != ruleChain)
            {
                return new RuleLines();
            }

            if (translated)
            {
                found.Rules(words[2], ruleTable, ruleChain).Add(written[k].Line);
            }

            k++;
        }

        if (k != written.Count)
        {
            return new RuleLines();
        }

        // iptables-save's tables are of the ip family in the translation (ip6tables-save's of ip6).
        var family = translation.Contains("add table ip6 ", StringComparison.Ordinal) ? "ip6" : "ip";
        foreach (var (policyTable, policyChain, line) in policies)
        {
            found._policies[(family, policyTable, policyChain)] = line;
        }

        return found;
    }

    /// <summary>
    /// Bare statements that a wrapper includes into one of its chains after rules of its own (the
    /// server's host firewall file): the last rules of that chain are the file's, in order.
    /// </summary>
    public static RuleLines OfStatements(string text, string family, string table, string chain, int rulesBefore)
    {
        var found = new RuleLines();
        var rules = found.Rules(family, table, chain);
        rules.AddRange(Enumerable.Repeat(0, rulesBefore));
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var words = Code(lines[i]).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (words.Length > 0 && !IsChainProperty(words[0]))
            {
                rules.Add(i + 1);
            }
        }

        return found;
    }

    private List<int> Rules(string family, string table, string chain)
    {
        if (!_lines.TryGetValue((family, table, chain), out var rules))
        {
            rules = [];
            _lines[(family, table, chain)] = rules;
        }

        return rules;
    }

    private static bool IsFamily(string word) => word is "ip" or "ip6" or "inet" or "arp" or "bridge" or "netdev";

    /// <summary>A chain's own settings, not rules: <c>type … hook … priority …;</c>, <c>policy drop;</c>, its comment, devices.</summary>
    private static bool IsChainProperty(string word) => word is "type" or "policy" or "comment" or "devices" or "priority" or "flags";

    /// <summary>The line without its <c>#</c> comment and without quoted strings (a brace or a # inside quotes is text).</summary>
    private static string Code(string line)
    {
        var code = new System.Text.StringBuilder(line.Length);
        var quoted = false;
        foreach (var c in line)
        {
            if (c == '"')
            {
                quoted = !quoted;
                code.Append('"');
            }
            else if (!quoted && c == '#')
            {
                break;
            }
            else if (!quoted)
            {
                code.Append(c);
            }
        }

        return code.ToString().Trim();
    }
}
