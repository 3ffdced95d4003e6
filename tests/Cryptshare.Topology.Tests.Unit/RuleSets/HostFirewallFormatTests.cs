using Cryptshare.Topology.RuleSets;

namespace Cryptshare.Topology.Tests.Unit.RuleSets;

/// <summary>A host firewall file is either the statements of the server's input chain or a whole ruleset (tables of its own).</summary>
[TestFixture]
public sealed class HostFirewallFormatTests
{
    [TestCase("tcp dport 9090 drop comment \"host firewall\"\npolicy drop;\n", false, 0)]
    [TestCase("# the table stays closed\ntcp dport 443 accept\n", false, 0)]
    [TestCase("# nft list ruleset\ntable inet firewalld {\n}\n", true, 2)]
    [TestCase("add table ip filter\nadd chain ip filter INPUT\n", true, 1)]
    public void TellsAWholeRulesetFromStatements(string text, bool whole, int firstTable) =>
        Assert.That((RuleSetFormat.IsWholeRuleset(text), RuleSetFormat.FirstTableLine(text)), Is.EqualTo((whole, firstTable)));
}
