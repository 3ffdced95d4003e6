namespace Cryptshare.Topology.Tests.Unit.Oracle;

/// <summary>Every line of every sample's .cases file, against the JSON the real nft printed for the sample.</summary>
[TestFixture]
[Category("Oracle")]
public sealed class OracleSampleTests
{
    public static IEnumerable<TestCaseData> AllCases() =>
        OracleSamples.Names.SelectMany(OracleSamples.Cases)
            .Select(c => new TestCaseData(c).SetName($"{c.Sample}: {c.Label}"));

    [TestCaseSource(nameof(AllCases))]
    public void PredictsTheExpectedVerdictAndRule(SampleCase sample)
    {
        var result = OracleSamples.Oracle(sample.Sample).Evaluate(sample.Packet, recordTrail: true);
        var mismatches = sample.Mismatches(result);
        Assert.That(mismatches, Is.Empty,
            $"{sample}\n  got: {result}\n  trail:\n    {string.Join("\n    ", result.Trail)}");
    }

    [TestCaseSource(nameof(AllCases))]
    public void TheChainIndexChangesNothing(SampleCase sample)
    {
        var indexed = OracleSamples.Oracle(sample.Sample, useIndex: true).Evaluate(sample.Packet);
        var scanned = OracleSamples.Oracle(sample.Sample, useIndex: false).Evaluate(sample.Packet);
        Assert.That((indexed.Verdict, indexed.DecidingRule, indexed.Reason), Is.EqualTo((scanned.Verdict, scanned.DecidingRule, scanned.Reason)));
    }

    [Test]
    public void EverySampleHasCasesAndRealNftJson()
    {
        foreach (var name in OracleSamples.Names)
        {
            Assert.That(OracleSamples.Cases(name), Is.Not.Empty, name);
            Assert.That(OracleSamples.Oracle(name).NftVersion, Is.EqualTo("1.0.6"), $"{name}.json is not what nft 1.0.6 printed (run samples/regenerate.sh)");
        }
    }
}
