using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Fixtures.Topology;
using Cryptshare.Topology.Runs.Live;
using Cryptshare.Topology.Tests.Integration.Flows;

namespace Cryptshare.Topology.Tests.Integration.Scale;

/// <summary>
/// Three topologies of the default address plan (10.77.1–4.0/24, the same addresses in each) up at
/// once on one engine, each on engine-side networks of its own, each running a different library rule
/// set at the same time: every verdict matches that rule set's expectation file exactly, the kernel
/// of each topology's own firewall traced every probe, and no host or firewall of any of them has a
/// route out or to its Docker bridge.
/// </summary>
[TestFixture]
[Category("Scale")]
[NonParallelizable] // three default topologies (36 containers) at once: the machine to themselves, or their probes time out on 2 cores
public sealed class ThreeTopologiesAtOnceTests
{
    /// <summary>Three rule sets that decide differently: documented drops, the GC closed, refusals with resets and ICMP.</summary>
    private static readonly string[] RuleSetNames = ["01-documented", "05-gc-blocked", "07-reject-instead-of-drop"];

    private readonly List<LiveMatrix> _topologies = [];
    private IReadOnlyList<RoutingProof> _routing = [];
    private IReadOnlyList<RuleSetRun> _runs = [];

    [OneTimeSetUp]
    public async Task ThreeTopologiesRunThreeRuleSetsAtOnce()
    {
        var starts = RuleSetNames.Select(_ => LiveMatrix.StartAsync(DefaultLibrary.Topology, DefaultLibrary.Catalog)).ToList();
        try
        {
            await Task.WhenAll(starts);
        }
        finally
        {
            _topologies.AddRange(starts.Where(s => s.IsCompletedSuccessfully).Select(s => s.Result));
        }

        await TestContext.Progress.WriteLineAsync($"three default topologies up at once: {string.Join(", ", _topologies.Select(t => $"{t.Topology.UpTime.TotalSeconds:0.0} s"))}");
        _routing = await Task.WhenAll(_topologies.Select(t => t.CheckRoutingAsync()));
        _runs = await Task.WhenAll(_topologies.Select((t, i) => t.RunRuleSetAsync(DefaultLibrary.RuleSets.Single(r => r.Name == RuleSetNames[i]))));
    }

    [OneTimeTearDown]
    public async Task StopTopologies() => await Task.WhenAll(_topologies.Select(t => t.DisposeAsync().AsTask()));

    [Test]
    public void EachTopologyIsOnEngineSideNetworksOfItsOwn()
    {
        Assert.That(_topologies, Has.Count.EqualTo(3), "three topologies came up");
        var subnets = _topologies.SelectMany(t => t.Topology.EngineNetworks.Select(n => n.EngineSubnet)).ToList();
        Assert.That(subnets, Has.Count.EqualTo(3 * DefaultLibrary.Topology.Zones.Count));
        Assert.That(subnets.Distinct().Count(), Is.EqualTo(subnets.Count), "no engine-side network shared");
        Assert.That(subnets.Where(s => DefaultLibrary.Topology.Zones.Any(z => SubnetHolders.Overlap(z.Subnet, s))), Is.Empty, "Docker never sees a zone's own subnet");
        Assert.That(_topologies.Select(t => t.Topology.Instance).Distinct().Count(), Is.EqualTo(3));
    }

    [Test]
    public async Task EveryFirewallCarriesTheSameTopologyAddressesOnItsZoneInterfaces()
    {
        foreach (var topology in _topologies)
        {
            foreach (var network in topology.Topology.EngineNetworks)
            {
                var zone = network.Zone;
                var shown = await topology.Topology.Firewall.ExecAsync(["ip", "-4", "-o", "addr", "show", "dev", zone.Interface]);
                Assert.That(shown.Stdout, Does.Contain($" {zone.FirewallAddress}/{zone.Subnet.PrefixLength} "), $"{topology.Topology.Instance} {zone.Name}: {shown.Stdout}{shown.Stderr}");
                Assert.That(shown.Stdout, Does.Not.Contain($" {network.FirewallAddress}/"), "the engine-side address is gone");
            }
        }
    }

    [Test]
    public void EachTopologysRoutingHoldsNoWayOutAndNoWayToItsBridges()
    {
        Assert.That(_routing, Has.Count.EqualTo(3));
        foreach (var proof in _routing)
        {
            var bridgeChecks = proof.Checks.Where(c => c.Destination.StartsWith(LiveTopology.EngineBridge, StringComparison.Ordinal)).ToList();
            Assert.That(bridgeChecks.Select(c => c.Source).Distinct(), Is.EquivalentTo(DefaultLibrary.Topology.Hosts.Select(h => h.Name).Append("firewall")),
                "every host and the firewall were asked for a route to their Docker bridges");
            Assert.That(proof.Broken.Select(b => $"{b.Source} → {b.Destination}: {b.Observed} ({b.Detail})"), Is.Empty);
        }
    }

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(2)]
    public void EveryVerdictOfItsRuleSetMatchesTheExpectationFileExactly(int topology)
    {
        var run = _runs[topology];
        Assert.That(run.RuleSet.Name, Is.EqualTo(RuleSetNames[topology]));
        var planned = _topologies[topology].Plan(run.RuleSet);
        Assert.That(run.Flows.Select(f => f.Outcome.Case.Key), Is.EquivalentTo(planned.Select(c => c.Key)), "every planned flow was probed");
        Assert.Multiple(() =>
        {
            foreach (var flow in run.Flows)
            {
                var outcome = flow.Outcome;
                Assert.That(outcome.Case.Expected, Is.Not.Null, "the library states an expectation per flow");
                Assert.That(outcome.Observed, Is.EqualTo(outcome.Case.Expected), $"{outcome.Case.Name}: {outcome.Detail}");
                Assert.That(flow.Kernel, Is.Not.Null, $"{outcome.Case.Name}: this topology's own firewall traced the probe ({flow.KernelNote})");
            }
        });
    }
}
