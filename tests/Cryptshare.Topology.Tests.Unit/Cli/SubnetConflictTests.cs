using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Runs.Live;
using Cryptshare.Topology.Tests.Unit.Reports;

namespace Cryptshare.Topology.Tests.Unit.Cli;

/// <summary>Two topologies on one engine: the message names who holds the subnets and how to remove it.</summary>
[TestFixture]
public sealed class SubnetConflictTests
{
    [Test]
    public void AHarnessRunIsNamedWithItsCleanCommand()
    {
        var holder = new SubnetHolder("ctt-42-dmz", "10.77.2.0/24", "10.77.2.0/24", new Dictionary<string, string> { [HarnessLabels.Run] = "42" });
        var message = SubnetConflict.Describe(SampleMatrix.Topology, [holder]);
        Assert.That(message, Does.Contain("10.77.2.0/24 by network ctt-42-dmz (10.77.2.0/24, harness run 42)"));
        Assert.That(message, Does.Contain("`cryptshare-topology clean --run 42`"));
    }

    [Test]
    public void AComposeProjectIsNamedWithItsDownCommand()
    {
        var holder = new SubnetHolder("work_internet", "10.77.0.0/16", "10.77.1.0/24", new Dictionary<string, string> { ["com.docker.compose.project"] = "work" });
        var message = SubnetConflict.Describe(SampleMatrix.Topology, [holder]);
        Assert.That(message, Does.Contain("docker compose project work").And.Contain("`docker compose -p work down`"));
    }

    [Test]
    public void OverlapIsEitherRangeHoldingTheOthersStart()
    {
        Assert.That(SubnetHolders.Overlap(System.Net.IPNetwork.Parse("10.77.0.0/16"), System.Net.IPNetwork.Parse("10.77.2.0/24")), Is.True);
        Assert.That(SubnetHolders.Overlap(System.Net.IPNetwork.Parse("10.77.2.0/24"), System.Net.IPNetwork.Parse("10.77.3.0/24")), Is.False);
    }

    [Test]
    public void DockersMessageIsRecognisedInsideOtherExceptions() =>
        Assert.That(SubnetConflict.IsOverlap(new InvalidOperationException("create failed", new Exception("Error response from daemon: Pool overlaps with other one on this address space"))), Is.True);
}
