using System.Net;
using Cryptshare.Topology.Fixtures.Topology;
using Cryptshare.Topology.Input;

namespace Cryptshare.Topology.Tests.Unit.Scale;

/// <summary>The engine-side pool: /24 blocks of a private range, never a topology's own subnet, Docker's default pools or a network already there.</summary>
[TestFixture]
public sealed class EngineSubnetPoolTests
{
    [Test]
    public void TheDefaultRangeIsOutsideDockersDefaultPoolsAndHoldsAHundredTwentyEightTopologiesOfFourZones()
    {
        var pool = EngineSubnetPool.Default;
        Assert.That(pool.Range, Is.EqualTo(IPNetwork.Parse("198.18.0.0/15")));
        Assert.That(pool.BlockCount, Is.EqualTo(512));
        Assert.That(pool.Blocks([.. EngineSubnetPool.DockerBuiltInPools], 0).Count(), Is.EqualTo(512), "no block in 172.16/12 or 192.168/16");
    }

    [Test]
    public void BlocksStartWhereAskedWrapRoundAndSkipWhatIsInUse()
    {
        var pool = EngineSubnetPool.Parse("10.200.0.0/22");
        var blocks = pool.Blocks([IPNetwork.Parse("10.200.1.0/24")], 2).Select(b => b.ToString()).ToList();
        Assert.That(blocks, Is.EqualTo(new[] { "10.200.2.0/24", "10.200.3.0/24", "10.200.0.0/24" }));
    }

    [Test]
    public void ATopologyWhoseOwnSubnetLiesInThePoolNeverGetsThatBlock()
    {
        var pool = EngineSubnetPool.Parse("10.77.0.0/16");
        var zones = new[] { "10.77.1.0/24", "10.77.2.0/24", "10.77.3.0/24", "10.77.4.0/24" }.Select(IPNetwork.Parse).ToList();
        Assert.That(pool.Blocks(zones, 0).Where(b => zones.Contains(b)), Is.Empty);
        Assert.That(pool.Blocks(zones, 0).Count(), Is.EqualTo(252));
    }

    [Test]
    public void AddressesInABlockCountFromItsFirst() =>
        Assert.That(EngineSubnetPool.AddressIn(IPNetwork.Parse("198.18.7.0/24"), ZoneNetwork.FirewallOffset), Is.EqualTo(IPAddress.Parse("198.18.7.2")));

    [TestCase("198.18.0.0", "is not an IPv4 range")]
    [TestCase("fd00::/64", "is not an IPv4 range")]
    [TestCase("198.18.0.0/28", "give a range from /8 to /24")]
    [TestCase("10.0.0.0/4", "give a range from /8 to /24")]
    [TestCase("198.18.1.0/15", "did you mean 198.18.0.0/15?")]
    public void ABadRangeIsBadInputNamingTheVariable(string text, string says)
    {
        var error = Assert.Throws<InputException>(() => EngineSubnetPool.Parse(text))!;
        Assert.That(error.Message, Does.StartWith(EngineSubnetPool.Variable + ": ").And.Contain(says));
    }
}
