using Cryptshare.Topology.Reports;

namespace Cryptshare.Topology.Tests.Unit.Reports;

/// <summary>The deciding rule as older report.json files hold it, read back and printed as the diagnosis, junit.xml and the HTML print it.</summary>
[TestFixture]
public sealed class ReportedRuleTextTests
{
    [TestCase("""{"family":"inet","table":"perimeter","chain":"forward","handle":12,"comment":"mail relays","text":"tcp dport 25 accept"}""",
        "inet perimeter forward #12 \"mail relays\": tcp dport 25 accept")]
    [TestCase("""{"family":"inet","table":"perimeter","chain":"forward","handle":null,"comment":null,"text":"policy drop"}""",
        "inet perimeter forward policy drop")]
    [TestCase("""{"chain":"forward","handle":12}""", "forward #12")]
    [TestCase("""{"Table":"perimeter","Handle":"7","Text":"drop"}""", "perimeter #7: drop")]
    [TestCase("chain forward, rule 7", "chain forward, rule 7")]
    [TestCase("""{"family":"ip","table":"filter","chain":"ufw-user-forward","handle":99,"comment":null,"text":"tcp dport 443 accept","source":"kernel","location":"ufw.rules:137"}""",
        "ip filter ufw-user-forward #99 at ufw.rules:137: tcp dport 443 accept")]
    public void ReadsWhatTheOracleAndTheTraceWrite(string json, string expected) =>
        Assert.That(ReportedRule.Parse(json)!.ToString(), Is.EqualTo(expected));

    [Test]
    public void TheCustomersFileAndLineAreWrittenAndReadBack()
    {
        var rule = new ReportedRule(new Cryptshare.Topology.Oracle.RuleReference("ip", "filter", "FORWARD", 4, null, "tcp dport 389 accept"), RuleSource.Kernel, null) { Location = "acme.rules:10" };
        Assert.That(rule.ToJson(), Does.Contain("\"location\":\"acme.rules:10\""));
        Assert.That(ReportedRule.Parse(rule.ToJson())!.Location, Is.EqualTo("acme.rules:10"));
        Assert.That(rule.Name, Is.EqualTo("rule ip filter FORWARD #4 at acme.rules:10"));
    }

    [Test]
    public void NoDecidingRuleIsNull() => Assert.That(ReportedRule.Parse(null), Is.Null);

    [Test]
    public void APolicyIsNamedByItsText()
    {
        var policy = ReportedRule.Parse("""{"family":"inet","table":"perimeter","chain":"forward","text":"policy drop"}""")!;
        Assert.That((policy.IsPolicy, policy.Refuses, policy.Name), Is.EqualTo((true, true, "inet perimeter forward policy drop")));
    }
}
