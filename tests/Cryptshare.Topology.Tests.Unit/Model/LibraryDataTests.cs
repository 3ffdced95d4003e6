using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Flows;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.RuleSets;

namespace Cryptshare.Topology.Tests.Unit.Model;

/// <summary>The data the harness ships (catalog, default topology, rule-set library) loads and fits together.</summary>
[TestFixture]
public sealed class LibraryDataTests
{
    private static FlowCatalog Catalog => FlowCatalog.Load(Path.Combine(RepositoryLayout.Fixtures, "flows", "catalog.yml"));

    private static TopologyDefinition DefaultTopology => TopologyLoader.Load(Path.Combine(RepositoryLayout.Fixtures, "topologies", "default.yml"), Catalog);

    [Test]
    public void CatalogHasEveryRowOfTheVendorTable()
    {
        var documented = new[]
        {
            ("ui-http", 80), ("ui-https", 443), ("os-updates", 80), ("product-updates", 443), ("admin-https", 8080),
            ("admin-http", 9090), ("ssh-shell", 22), ("smtp", 25), ("smtps", 465), ("submission", 587), ("ldap", 389),
            ("ldaps", 636), ("global-catalog", 3268), ("archive-scp", 22),
        };
        Assert.That(Catalog.Flows.Select(f => (f.Id, f.Port)), Is.SupersetOf(documented));
    }

    [Test]
    public void DefaultTopologyHasTheAgreedZonesAndServerAddress()
    {
        var topology = DefaultTopology;
        Assert.That(topology.Zones.Select(z => $"{z.Name} {z.Subnet} {z.FirewallAddress}"), Is.EquivalentTo(new[]
        {
            "internet 10.77.1.0/24 10.77.1.254", "dmz 10.77.2.0/24 10.77.2.254",
            "intranet 10.77.3.0/24 10.77.3.254", "admin 10.77.4.0/24 10.77.4.254",
        }));
        Assert.That(topology.Hosts.Single(h => h.Kind == HostKinds.CryptshareServer).Address.ToString(), Is.EqualTo("10.77.2.10"));
    }

    [Test]
    public void EveryRuleSetExpectsEveryProbedFlow()
    {
        var catalog = Catalog;
        var topology = DefaultTopology;
        var library = RuleSetLoader.LoadLibrary(Path.Combine(RepositoryLayout.Fixtures, "rulesets"), catalog);
        Assert.That(library, Has.Count.GreaterThanOrEqualTo(10));
        foreach (var ruleSet in library)
        {
            var cases = MatrixPlanner.Plan(topology, catalog, ruleSet);
            Assert.That(cases.Select(c => c.Key), Is.EquivalentTo(ruleSet.Expectations!.Keys), ruleSet.Name);
            Assert.That(cases.Select(c => c.Flow.Id).Distinct(), Is.EquivalentTo(catalog.Flows.Select(f => f.Id)), $"{ruleSet.Name} probes every catalog flow");
        }
    }

    [Test]
    public void DnatRuleSetSendsInternetClientsToThePublishedAddress()
    {
        var catalog = Catalog;
        var ruleSet = RuleSetLoader.Load(Path.Combine(RepositoryLayout.Fixtures, "rulesets", "09-dnat-perimeter.nft"), catalog);
        var cases = MatrixPlanner.Plan(DefaultTopology, catalog, ruleSet);
        Assert.That(cases.Single(c => c.Name == "09-dnat-perimeter/ui-https/internet").Address.ToString(), Is.EqualTo("10.77.1.254"));
        Assert.That(cases.Single(c => c.Name == "09-dnat-perimeter/ui-https/intranet").Address.ToString(), Is.EqualTo("10.77.2.10"));
    }

    [Test]
    public void RequiredAndExposureFollowTheProfileAndRecommendations()
    {
        var catalog = Catalog;
        var ruleSet = RuleSetLoader.Load(Path.Combine(RepositoryLayout.Fixtures, "rulesets", "01-documented.nft"), catalog);
        var cases = MatrixPlanner.Plan(DefaultTopology, catalog, ruleSet).ToDictionary(c => c.Key);
        Assert.That(cases["admin-https/internet"].Exposure, Is.True);
        Assert.That(cases["admin-https/internet"].Required, Is.False);
        Assert.That(cases["admin-https/admin"].Required, Is.True);
        Assert.That(cases["smtp/dmz"].Required, Is.True, "the default profile sends mail on 25");
        Assert.That(cases["submission/dmz"].Required, Is.False);
    }
}
