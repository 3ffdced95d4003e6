using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Fixtures.Topology;
using Cryptshare.Topology.Runs.Live;
using Cryptshare.Topology.Tests.Unit.Reports;

namespace Cryptshare.Topology.Tests.Unit.Cli;

/// <summary>
/// Topologies on one engine compete only for blocks of the engine-side pool: when none is left, the
/// message names who holds the pool and how to remove it.
/// </summary>
[TestFixture]
public sealed class SubnetConflictTests
{
    private static readonly string Exhausted = new EnginePoolExhaustedException(EngineSubnetPool.Default, SampleMatrix.Topology).Message;

    [Test]
    public void TheProblemNamesThePoolAndTheTopology() =>
        Assert.That(Exhausted, Does.Contain("engine-side pool 198.18.0.0/15").And.Contain($"topology '{SampleMatrix.Topology.Name}'"));

    [Test]
    public void AHarnessRunIsNamedWithItsCleanCommand()
    {
        var holder = new SubnetHolder("ctt-42-1-dmz", "198.18.2.0/24", "198.18.0.0/15", new Dictionary<string, string> { [HarnessLabels.Run] = "42" });
        var message = SubnetConflict.Describe(Exhausted, [holder]);
        Assert.That(message, Does.Contain("1 network(s) of harness run 42 (ctt-42-1-dmz 198.18.2.0/24)"));
        Assert.That(message, Does.Contain("`cryptshare-topology clean --run 42`"));
        Assert.That(message, Does.Contain(EngineSubnetPool.Variable), "another range is a way out too");
    }

    [Test]
    public void AComposeProjectIsNamedWithItsDownCommand()
    {
        var holder = new SubnetHolder("work_internet", "198.18.0.0/16", "198.18.0.0/15", new Dictionary<string, string> { ["com.docker.compose.project"] = "work" });
        var message = SubnetConflict.Describe(Exhausted, [holder]);
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
        Assert.That(EngineSubnetPool.IsOverlapRefusal(new InvalidOperationException("create failed", new Exception("Error response from daemon: Pool overlaps with other one on this address space"))), Is.True);
}
