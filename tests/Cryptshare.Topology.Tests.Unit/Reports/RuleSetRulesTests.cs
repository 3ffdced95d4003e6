using Cryptshare.Topology.Reports;
using Cryptshare.Topology.RuleSets;

namespace Cryptshare.Topology.Tests.Unit.Reports;

/// <summary>
/// The compiled rule set as the fix advisor reads it (parsed/reading-rules.*): ports in sets,
/// ranges and iptables lists, what each rule does, the return-traffic rule; a comment is no rule and
/// no port; each rule on its line of the file.
/// </summary>
[TestFixture]
public sealed class RuleSetRulesTests
{
    private static readonly RuleSetRules Nft = RuleSetRules.Perimeter("r.nft", SampleMatrix.Text("reading-rules.nft"), SampleMatrix.Json("reading-rules"));

    private static readonly RuleSetRules Iptables = RuleSetRules.Perimeter("r.rules", SampleMatrix.Text("reading-rules.rules.nft"), SampleMatrix.Json("reading-rules.rules"));

    [TestCase(686, new[] { 4 })]
    [TestCase(22, new[] { 5 })]
    [TestCase(1500, new[] { 6 })]
    [TestCase(636, new[] { 7 })]
    [TestCase(7777, new int[0])]
    [TestCase(25, new[] { 13 })]
    public void FindsTheRulesAcceptingAPort(int port, int[] lines) =>
        Assert.That(Nft.Accepting(port).Select(r => r.Line), Is.EqualTo(lines.Cast<int?>()));

    [Test]
    public void FindsTheRulesRefusingAPort() =>
        Assert.That(Nft.Refusing(686).Select(r => (r.Line, r.Facts.Rule.Comment)), Is.EqualTo(new[] { ((int?)8, (string?)"refuses 686") }));

    [TestCase(688, new[] { 4 })]
    [TestCase(686, new[] { 4, 5 })]
    [TestCase(691, new int[0])]
    public void ReadsAnIptablesSaveExportInItsTranslation(int port, int[] lines) =>
        Assert.That(Iptables.Accepting(port).Select(r => r.Line), Is.EqualTo(lines.Cast<int?>()));

    [Test]
    public void KnowsTheReturnTrafficRules()
    {
        Assert.That(Nft.AcceptsReturnTraffic && Iptables.AcceptsReturnTraffic, Is.True);
        var established = SampleMatrix.Text("reading-rules.nft").Split('\n').Select((line, i) => (line, i + 1))
            .Where(l => l.line.Contains("ct state", StringComparison.Ordinal)).Select(l => l.Item2).ToList();
        Assert.That(established, Is.EqualTo(new[] { 10, 11, 12 }), "the file as the test expects it");
        var documented = RuleSetRules.Perimeter("d.nft", SampleMatrix.RuleSet("08-missing-established").Text, SampleMatrix.Json("08-missing-established"));
        Assert.That(documented.AcceptsReturnTraffic, Is.False, "08-missing-established has no return rule");
    }

    [Test]
    public void DescribesARuleByFileLineAndCommentElseItsText()
    {
        Assert.That(Nft.Accepting(25).Select(Nft.Describe), Is.EqualTo(new[] { "r.nft:13 (\"mail\")" }));
        Assert.That(Nft.Accepting(26).Select(Nft.Describe), Is.EqualTo(new[] { "r.nft:14 (tcp dport 26 accept)" }));
        Assert.That((Nft.DefinesTable("t"), Nft.DefinesTable("filter")), Is.EqualTo((true, false)));
    }

    [Test]
    public void FindsTheLinesOfAddAndInsertCommands()
    {
        var lines = RuleLines.OfFile("add table ip filter\nadd chain ip filter FORWARD { type filter hook forward priority 0; policy drop; }\n"
            + "add rule ip filter FORWARD tcp dport 22 accept\ninsert rule filter FORWARD ct state established accept\nadd rule inet other input accept\n");
        Assert.That(Enumerable.Range(0, 2).Select(i => lines.LineOf("ip", "filter", "FORWARD", i)), Is.EqualTo(new int?[] { 4, 3 }));
        Assert.That(lines.LineOf("inet", "other", "input", 0), Is.EqualTo(5));
    }

    [Test]
    public void ReadsOnlyTheChainsOfABlockFile()
    {
        var lines = RuleLines.OfFile("table inet t { # a \"quoted { brace\" in a comment\n  set s {\n    type ipv4_addr\n    elements = { 10.0.0.1,\n      10.0.0.2 }\n  }\n"
            + "  chain c { type filter hook input priority 0; }\n  chain d {\n    tcp dport {\n      80, 443\n    } accept\n    drop\n  }\n}\n");
        Assert.That((lines.CountOf("inet", "t", "c"), lines.CountOf("inet", "t", "d")), Is.EqualTo((0, 2)));
        Assert.That((lines.LineOf("inet", "t", "d", 0), lines.LineOf("inet", "t", "d", 1)), Is.EqualTo(((int?)9, (int?)12)));
    }
}
