using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Fixtures.Topology;
using Cryptshare.Topology.Flows;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.RuleSets;

namespace Cryptshare.Topology.Sample.Tests;

/// <summary>The default topology with the documented rule set: the Cryptshare Server in the dmz reaches the directory over LDAPS.</summary>
public sealed class LdapsFromTheDmzTests
{
    [Test]
    public async Task LdapsFromTheDmzIsAllowed()
    {
        var catalog = FlowCatalog.Load(Path.Combine(RepositoryLayout.Fixtures, "flows", "catalog.yml"));
        var topology = TopologyLoader.Load(Path.Combine(RepositoryLayout.Fixtures, "topologies", "default.yml"), catalog);
        var rules = RuleSetLoader.Load(Path.Combine(RepositoryLayout.Fixtures, "rulesets", "01-documented.nft"), catalog);

        await using var live = await LiveTopology.StartAsync(topology, catalog);
        await live.ApplyAsync(rules);
        var ldaps = MatrixPlanner.Plan(topology, catalog, rules).Single(c => c.Key == "ldaps/dmz");
        var outcome = (await live.ProbeAsync([ldaps])).Single();

        Assert.That(outcome.Observed, Is.EqualTo(Verdict.Allowed), outcome.Detail);
    }
}
