using Cryptshare.Topology.Fixtures.Firewall;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Images;

namespace Cryptshare.Topology.Tests.Unit.Firewall;

/// <summary>The firewall builder refuses what cannot become an interface, before any engine is asked.</summary>
[TestFixture]
public sealed class FirewallBuilderGuardTests
{
    private static readonly DockerImage AnyImage = new("cryptshare-topology/firewall:test");

    [TestCase("a-zone-name-too-long", "10.77.1.254", "cannot name an interface")]
    [TestCase("Internet", "10.77.1.254", "cannot name an interface")]
    [TestCase("internet", "10.77.1.300", "is not an IP address")]
    public void RejectsBadZone(string zone, string address, string message)
    {
        var network = new NetworkBuilder().WithName("ctt-unit-" + zone).Build();
        var builder = new FirewallBuilder(AnyImage).WithZone(zone, network, address);
        Assert.That(() => builder.Build(), Throws.ArgumentException.With.Message.Contains(message));
    }

    [Test]
    public void RejectsZoneGivenTwice()
    {
        var network = new NetworkBuilder().WithName("ctt-unit-twice").Build();
        var builder = new FirewallBuilder(AnyImage)
            .WithZone("dmz", network, "10.77.2.254")
            .WithZone("dmz", network, "10.77.2.253");
        Assert.That(() => builder.Build(), Throws.ArgumentException.With.Message.Contains("given twice"));
    }
}
