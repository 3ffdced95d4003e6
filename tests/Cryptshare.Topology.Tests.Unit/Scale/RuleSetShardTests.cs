using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.RuleSets;
using Cryptshare.Topology.Runs.Live;

namespace Cryptshare.Topology.Tests.Unit.Scale;

/// <summary>`run --shard I/N`: N CI jobs cover the library exactly once, each rule set in a shard chosen by its name alone.</summary>
[TestFixture]
public sealed class RuleSetShardTests
{
    private static readonly FlowCatalog Catalog = FlowCatalog.Load(Path.Combine(RepositoryLayout.Fixtures, "flows", "catalog.yml"));

    private static readonly IReadOnlyList<RuleSet> Library = RuleSetLoader.LoadLibrary(Path.Combine(RepositoryLayout.Fixtures, "rulesets"), Catalog);

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    [TestCase(4)]
    [TestCase(12)]
    public void TheShardsOfNCoverEveryLibraryRuleSetExactlyOnce(int count)
    {
        var shares = Enumerable.Range(1, count).Select(i => new RuleSetShard(i, count).Select(Library)).ToList();
        var covered = shares.SelectMany(s => s.Select(r => r.Name)).ToList();
        Assert.That(Library, Has.Count.GreaterThanOrEqualTo(10), "the library");
        Assert.That(covered, Is.EquivalentTo(Library.Select(r => r.Name)), "every rule set once, none twice");
        foreach (var share in shares)
        {
            Assert.That(share.Select(r => r.Name), Is.Ordered, "a shard keeps the library's order");
        }
    }

    [Test]
    public void ThreeShardsOfTheLibraryEachGetSome()
    {
        var sizes = Enumerable.Range(1, 3).Select(i => new RuleSetShard(i, 3).Select(Library).Count).ToList();
        Assert.That(sizes, Has.All.GreaterThan(0), $"shard sizes {string.Join(", ", sizes)}");
    }

    [Test]
    public void AddingARuleSetMovesNoOther()
    {
        var before = Library.ToDictionary(r => r.Name, r => RuleSetShard.Of(r.Name, 3));
        var grown = Library.Select(r => r.Name).Append("11-customer-added-later").Append("12-another").ToList();
        var after = grown.ToDictionary(n => n, n => RuleSetShard.Of(n, 3));
        Assert.That(before.Where(b => after[b.Key] != b.Value), Is.Empty);
    }

    [Test]
    public void TheShardOfANameIsTheSameWhereverItIsComputed() =>
        // SHA-256 of the name, not string.GetHashCode (randomised per process): fixed figures.
        Assert.That(new[] { "01-documented", "05-gc-blocked", "09-dnat-perimeter" }.Select(n => RuleSetShard.Of(n, 3)), Is.EqualTo(new[] { 3, 1, 2 }));

    [TestCase("1/3", 1, 3)]
    [TestCase("3/3", 3, 3)]
    [TestCase("1/1", 1, 1)]
    public void ParsesIOfN(string text, int index, int count) =>
        Assert.That(RuleSetShard.Parse(text, out _), Is.EqualTo(new RuleSetShard(index, count)));

    [TestCase("0/3")]
    [TestCase("4/3")]
    [TestCase("3")]
    [TestCase("a/b")]
    [TestCase("1/0")]
    [TestCase("1/3/5")]
    [TestCase("")]
    public void ASpellingThatIsNoShardSaysWhatToGive(string text)
    {
        Assert.That(RuleSetShard.Parse(text, out var error), Is.Null);
        Assert.That(error, Does.Contain("give I/N"));
    }
}
