using System.Text.RegularExpressions;

namespace Cryptshare.Topology.Tests.Unit.Oracle;

/// <summary>
/// The oracle renders each rule's text from nft's JSON; nft's own listing of the same rule set
/// (samples/NN.txt, from <c>nft -a list ruleset</c>) is the reference. Counter values and comments
/// are not part of the rendered text.
/// </summary>
[TestFixture]
[Category("Oracle")]
public sealed partial class RuleTextTests
{
    /// <summary>
    /// Where the rendering differs from nft's listing on purpose: it names the reject nft chose
    /// instead of nft's context-dependent default, and gives the counters no numbers.
    /// </summary>
    private static readonly Dictionary<string, string> KnownDifferences = new()
    {
        ["reject"] = "reject with icmp port-unreachable",
    };

    public static IEnumerable<TestCaseData> Samples() => OracleSamples.Names.Select(n => new TestCaseData(n).SetName($"{n}: rule texts"));

    [TestCaseSource(nameof(Samples))]
    public void RendersEveryRuleAsNftListsIt(string sample)
    {
        var listed = NftListing(File.ReadAllLines(Path.Combine(OracleSamples.Folder, sample + ".txt")));
        var rendered = OracleSamples.Oracle(sample).Rules.ToDictionary(r => (r.Family, r.Table, r.Chain, r.Handle!.Value), r => r.Text);
        Assert.That(rendered.Keys, Is.EquivalentTo(listed.Keys), "the oracle's rules are nft's rules");
        var differences = listed
            .Where(l => rendered[l.Key] != l.Value && !(KnownDifferences.TryGetValue(l.Value, out var known) && rendered[l.Key].EndsWith(known, StringComparison.Ordinal)))
            .Select(l => $"#{l.Key.Item4}\n      nft:    {l.Value}\n      oracle: {rendered[l.Key]}")
            .ToList();
        Assert.That(differences, Is.Empty, string.Join("\n", differences));
    }

    /// <summary>Rule lines of <c>nft -a list ruleset</c> by table and chain, without counter values, comment and handle.</summary>
    private static Dictionary<(string, string, string, long), string> NftListing(IEnumerable<string> lines)
    {
        var rules = new Dictionary<(string, string, string, long), string>();
        string family = "", table = "", chain = "";
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (TableLine().Match(line) is { Success: true } t)
            {
                (family, table) = (t.Groups[1].Value, t.Groups[2].Value);
            }
            else if (ChainLine().Match(line) is { Success: true } c)
            {
                chain = c.Groups[1].Value;
            }
            else if (RuleLine().Match(line) is { Success: true } r && !SetLine().IsMatch(line) && family is "ip" or "ip6" or "inet")
            {
                var text = CounterValues().Replace(r.Groups[1].Value, "counter");
                text = Comment().Replace(text, "");
                rules[(family, table, chain, long.Parse(r.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture))] = text.Trim();
            }
        }

        return rules;
    }

    [GeneratedRegex(@"^table (\S+) (\S+) \{")]
    private static partial Regex TableLine();

    [GeneratedRegex(@"^chain (\S+) \{")]
    private static partial Regex ChainLine();

    [GeneratedRegex(@"^(set|map|flowtable|counter|quota|limit|ct(?: helper| timeout| expectation)?) \S+ \{")]
    private static partial Regex SetLine();

    [GeneratedRegex(@"^(.*) # handle (\d+)$")]
    private static partial Regex RuleLine();

    [GeneratedRegex(@"counter packets \d+ bytes \d+")]
    private static partial Regex CounterValues();

    [GeneratedRegex(@" comment ""[^""]*""$")]
    private static partial Regex Comment();
}
