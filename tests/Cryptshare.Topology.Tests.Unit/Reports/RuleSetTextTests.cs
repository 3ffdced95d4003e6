using Cryptshare.Topology.Reports;

namespace Cryptshare.Topology.Tests.Unit.Reports;

/// <summary>Reading rule-set text for the hints: ports in sets, ranges and iptables lists; comments are not ports.</summary>
[TestFixture]
public sealed class RuleSetTextTests
{
    [TestCase("iifname \"dmz\" tcp dport { 389, 686, 3268 } accept comment \"x\"", 686, true)]
    [TestCase("iifname \"dmz\" tcp dport 22 accept", 22, true)]
    [TestCase("iifname \"dmz\" tcp dport 1000-2000 accept", 1500, true)]
    [TestCase("iifname \"dmz\" tcp dport 636 accept comment \"not 686\"", 686, false)]
    [TestCase("iifname \"dmz\" tcp dport 686 drop", 686, false)]
    [TestCase("-A FORWARD -p tcp -m multiport --dports 389,686:690 -j ACCEPT", 688, true)]
    [TestCase("-A FORWARD -p tcp --dport 686 -m comment --comment \"ldaps\" -j ACCEPT", 686, true)]
    [TestCase("# tcp dport 686 accept", 686, false)]
    public void FindsTheLinesAcceptingAPort(string line, int port, bool accepts) =>
        Assert.That(new RuleSetText("r.nft", line).LinesAccepting(port).Any(), Is.EqualTo(accepts));

    [TestCase("ct state established,related accept", true)]
    [TestCase("ct state { established, related } accept", true)]
    [TestCase("-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT", true)]
    [TestCase("ct state invalid drop", false)]
    public void KnowsWhetherReturnTrafficIsAccepted(string line, bool accepted) =>
        Assert.That(new RuleSetText("r.nft", line).AcceptsReturnTraffic, Is.EqualTo(accepted));

    [Test]
    public void DescribesALineByFileNumberAndComment()
    {
        var text = new RuleSetText("r.nft", "table inet t {\n  tcp dport 25 accept comment \"mail\"\n  tcp dport 26 accept\n}");
        Assert.That(text.LinesAccepting(25).Select(text.Describe), Is.EqualTo(new[] { "r.nft:2 (\"mail\")" }));
        Assert.That(text.LinesAccepting(26).Select(text.Describe), Is.EqualTo(new[] { "r.nft:3 (tcp dport 26 accept)" }));
        Assert.That(text.DefinesTable("t"), Is.True);
    }
}
