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
    public void ReadsWhatTheOracleAndTheTraceWrite(string json, string expected) =>
        Assert.That(ReportedRule.Parse(json)!.ToString(), Is.EqualTo(expected));

    [Test]
    public void NoDecidingRuleIsNull() => Assert.That(ReportedRule.Parse(null), Is.Null);

    [Test]
    public void APolicyIsNamedByItsText()
    {
        var policy = ReportedRule.Parse("""{"family":"inet","table":"perimeter","chain":"forward","text":"policy drop"}""")!;
        Assert.That((policy.IsPolicy, policy.Refuses, policy.Name), Is.EqualTo((true, true, "inet perimeter forward policy drop")));
    }
}
