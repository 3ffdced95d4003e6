using System.Text.RegularExpressions;

namespace Cryptshare.Topology.Reports;

/// <summary>
/// A rule set as text (nftables, or iptables-save), read line by line for the diagnosis's hints:
/// which lines accept or drop a destination port, whether return traffic is accepted. This is a
/// reading aid, not an evaluator (the oracle and the firewall's trace decide verdicts): it only
/// has to find the line a person should look at.
/// </summary>
public sealed partial class RuleSetText
{
    public RuleSetText(string file, string text)
    {
        File = file;
        Lines = text.Split('\n')
            .Select((line, i) => RuleLine.Parse(i + 1, line.TrimEnd('\r')))
            .Where(line => line.Code.Length > 0)
            .ToList();
    }

    /// <summary>The file's name as the diagnosis prints it (without folders).</summary>
    public string File { get; }

    /// <summary>The lines that hold something besides comments, with their 1-based numbers.</summary>
    public IReadOnlyList<RuleLine> Lines { get; }

    /// <summary>Lines that accept traffic to a TCP/UDP destination port (as one value, in a set or a range).</summary>
    public IEnumerable<RuleLine> LinesAccepting(int port) => Lines.Where(l => l.Accepts && l.DestinationPorts.Any(r => r.Contains(port)));

    /// <summary>Lines that drop or reject traffic to a destination port.</summary>
    public IEnumerable<RuleLine> LinesRefusing(int port) => Lines.Where(l => l.Refuses && l.DestinationPorts.Any(r => r.Contains(port)));

    /// <summary>Whether some line accepts packets of established connections (the return-traffic rule).</summary>
    public bool AcceptsReturnTraffic => Lines.Any(l => l.Accepts && EstablishedState().IsMatch(l.Code));

    /// <summary>Whether a table of this name is defined here (an nft deciding rule names its table).</summary>
    public bool DefinesTable(string table) =>
        Lines.Any(l => TableHeader().Match(l.Code) is { Success: true } m && m.Groups["name"].Value == table);

    /// <summary><c>file:line "comment"</c>, the way the diagnosis points at a line.</summary>
    public string Describe(RuleLine line) =>
        line.Comment is null ? $"{File}:{line.Number} ({Shorten(line.Code)})" : $"{File}:{line.Number} (\"{line.Comment}\")";

    private static string Shorten(string code) => code.Length <= 70 ? code : code[..69] + "…";

    [GeneratedRegex(@"(ct\s+state|--ctstate|--state)\s+[^\n]*\bestablished\b", RegexOptions.IgnoreCase)]
    private static partial Regex EstablishedState();

    [GeneratedRegex(@"^\s*table\s+(\w+\s+)?(?<name>[\w.-]+)\s*\{?")]
    private static partial Regex TableHeader();
}

/// <summary>One line of a rule set: its code (comments and quoted strings removed), comment, ports and action.</summary>
public sealed partial record RuleLine(int Number, string Code, string? Comment, IReadOnlyList<PortRange> DestinationPorts, bool Accepts, bool Refuses)
{
    public static RuleLine Parse(int number, string line)
    {
        var comment = RuleComment().Match(line) is { Success: true } m ? m.Groups["text"].Value : null;
        var code = WithoutComments(line).Trim();
        var ports = NftPorts().Matches(code).Select(p => p.Groups["ports"].Value)
            .Concat(IptablesPorts().Matches(code).Select(p => p.Groups["ports"].Value))
            .SelectMany(PortRange.ParseList)
            .ToList();
        return new RuleLine(number, code, comment, ports, Accept().IsMatch(code), Refuse().IsMatch(code));
    }

    /// <summary>
    /// The line without its <c>#</c> comment and without its rule comment (<c>comment "…"</c>,
    /// <c>-m comment --comment "…"</c>), so that a "686" in a comment is not taken for a port.
    /// </summary>
    private static string WithoutComments(string line)
    {
        var quoted = false;
        var end = line.Length;
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == '"')
            {
                quoted = !quoted;
            }
            else if (line[i] == '#' && !quoted)
            {
                end = i;
                break;
            }
        }

        return RuleComment().Replace(IptablesCommentMatch().Replace(line[..end], " "), " ");
    }

    [GeneratedRegex(@"-m\s+comment\s+")]
    private static partial Regex IptablesCommentMatch();

    [GeneratedRegex(@"(--comment|\bcomment)\s+(""(?<text>[^""]*)""|(?<text>[^\s""-][^\s""]*))")]
    private static partial Regex RuleComment();

    [GeneratedRegex(@"\bdport\s+(?<ports>\{[^}]*\}|\d+(-\d+)?)")]
    private static partial Regex NftPorts();

    [GeneratedRegex(@"(--dports?|--destination-ports?)\s+(?<ports>[\d,:]+)")]
    private static partial Regex IptablesPorts();

    [GeneratedRegex(@"\baccept\b|-j\s+ACCEPT\b", RegexOptions.IgnoreCase)]
    private static partial Regex Accept();

    [GeneratedRegex(@"\b(drop|reject)\b|-j\s+(DROP|REJECT)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Refuse();
}

/// <summary>A destination port or range as a rule names it.</summary>
public readonly record struct PortRange(int First, int Last)
{
    public bool Contains(int port) => port >= First && port <= Last;

    /// <summary>nft <c>{ 389, 686, 1000-2000 }</c> or <c>22</c>; iptables <c>389,686,1000:2000</c>.</summary>
    public static IEnumerable<PortRange> ParseList(string text)
    {
        foreach (var item in text.Trim('{', '}', ' ').Split([',', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            var bounds = item.Split('-', ':');
            if (bounds.Length == 1 && int.TryParse(bounds[0], out var port))
            {
                yield return new PortRange(port, port);
            }
            else if (bounds.Length == 2 && int.TryParse(bounds[0], out var first) && int.TryParse(bounds[1], out var last))
            {
                yield return new PortRange(first, last);
            }
        }
    }
}
