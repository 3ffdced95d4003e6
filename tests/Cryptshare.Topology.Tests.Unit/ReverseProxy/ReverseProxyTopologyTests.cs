using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Fixtures.ReverseProxy;
using Cryptshare.Topology.Flows;
using Cryptshare.Topology.Input;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.RuleSets;

namespace Cryptshare.Topology.Tests.Unit.ReverseProxy;

/// <summary>
/// A topology can put a reverse proxy in front of the server (kind reverse-proxy, proxyFor, profile);
/// every mistake in it is one line naming file, line and field; the profiles the catalog offers are
/// exactly the nginx profiles the image carries.
/// </summary>
[TestFixture]
public sealed class ReverseProxyTopologyTests
{
    private static readonly FlowCatalog Catalog = FlowCatalog.Load(Path.Combine(RepositoryLayout.Fixtures, "flows", "catalog.yml"));

    private const string Head = """
        zones:
          internet: { subnet: 10.88.1.0/24, firewall: 10.88.1.254 }
          dmz: { subnet: 10.88.2.0/24, firewall: 10.88.2.254 }
        hosts:
          cryptshare:
            kind: cryptshare-server
            zone: dmz
            address: 10.88.2.10
          client:
            kind: client
            zone: internet
            address: 10.88.1.10
        """;

    [Test]
    public void TheExampleTopologyPutsTheProxyInFrontOfTheServer()
    {
        var topology = TopologyLoader.Load(Path.Combine(RepositoryLayout.Fixtures, "topologies", "reverse-proxy.yml"), Catalog);

        var proxy = topology.Hosts.Single(h => h.Kind == HostKinds.ReverseProxy);
        Assert.That(proxy.ReverseProxy, Is.EqualTo(new ReverseProxyDefinition("cryptshare", "pass-through")));
        Assert.That(topology.Destination("outlook-rest"), Is.EqualTo(proxy));
        Assert.That(topology.Destination("ui-https"), Is.EqualTo(proxy));
        Assert.That(topology.Hosts.Where(h => h.Kind != HostKinds.ReverseProxy).Select(h => h.ReverseProxy), Is.All.Null);
    }

    [Test]
    public void ItsRuleSetExpectsEveryProbedFlow()
    {
        var topology = TopologyLoader.Load(Path.Combine(RepositoryLayout.Fixtures, "topologies", "reverse-proxy.yml"), Catalog);
        var ruleSet = RuleSetLoader.Load(Path.Combine(RepositoryLayout.Fixtures, "rulesets", "reverse-proxy", "01-web-via-proxy.nft"), Catalog);

        var cases = MatrixPlanner.Plan(topology, Catalog, ruleSet);

        Assert.That(cases.Select(c => c.Key), Is.EquivalentTo(ruleSet.Expectations!.Keys));
        Assert.That(cases.Where(c => c.Flow.Id == "outlook-rest").Select(c => $"{c.FromRole} {c.Address}:{c.Port}"),
            Is.EquivalentTo(new[] { "internet 10.88.2.20:443", "intranet 10.88.2.20:443" }), "the oracle and the firewall see TCP 443 to the proxy");
    }

    [Test]
    public void TheCatalogsProfilesAreTheImagesProfiles()
    {
        Assert.That(Catalog.ProxyProfiles.Select(p => p.Name), Is.EquivalentTo(ReverseProxyProfiles.All()));
        Assert.That(Catalog.ProxyProfiles.Select(p => p.Does), Has.All.Not.Empty);
    }

    [TestCase("  p:\n    kind: reverse-proxy\n    zone: dmz\n    address: 10.88.2.20\n    proxyFor: cryptshare\n    profile: strip-everything\n    serves: [ui-https]\n",
        18, "hosts.p.profile: unknown reverse-proxy profile 'strip-everything' (known: pass-through, strip-x-cs, drop-unknown-headers, strip-set-cookie, https-to-http)")]
    [TestCase("  p:\n    kind: reverse-proxy\n    zone: dmz\n    address: 10.88.2.20\n    profile: pass-through\n",
        14, "hosts.p: missing field 'proxyFor'")]
    [TestCase("  p:\n    kind: reverse-proxy\n    zone: dmz\n    address: 10.88.2.20\n    proxyFor: cryptshare\n",
        14, "hosts.p: missing field 'profile' (one of: pass-through,")]
    [TestCase("  p:\n    kind: reverse-proxy\n    zone: dmz\n    address: 10.88.2.20\n    proxyFor: client\n    profile: pass-through\n",
        13, "hosts.p.proxyFor: 'client' is not a cryptshare-server host of this topology (cryptshare)")]
    [TestCase("  p:\n    kind: reverse-proxy\n    zone: dmz\n    address: 10.88.2.20\n    proxyFor: cryptshare\n    profile: pass-through\n    serves: [ui-https, admin-https]\n",
        19, "hosts.p.serves: a reverse proxy serves only ui-http, ui-https, outlook-rest, not 'admin-https'")]
    [TestCase("  p:\n    kind: client\n    zone: dmz\n    address: 10.88.2.20\n    profile: pass-through\n",
        17, "hosts.p: proxyFor and profile belong to a host of kind reverse-proxy, not client")]
    [TestCase("  p:\n    kind: reverse-proxy\n    zone: dmz\n    address: 10.88.2.20\n    proxyFor: cryptshare\n    profile: pass-through\n    serves: [ui-https, outlook-rest]\n    ports: { ui-https: 8443 }\n",
        20, "hosts.p.ports.outlook-rest: the Outlook REST API is served by the user interface's HTTPS listener (ui-https, port 8443); outlook-rest cannot be on 443")]
    public void MistakesNameFileLineAndField(string host, int line, string message)
    {
        var error = Assert.Throws<InputException>(() => TopologyLoader.Parse("customer.yml", Head + "\n" + host, Catalog))!;
        Assert.That(error.Message, Does.StartWith($"customer.yml:{line}: "));
        Assert.That(error.Message, Does.Contain(message));
    }

    [Test]
    public void AServerServingOutlookOnAnotherPortThanItsHttpsListenerIsRefused()
    {
        var text = Head.Replace("    address: 10.88.2.10\n", "    address: 10.88.2.10\n    serves: [outlook-rest]\n    ports: { outlook-rest: 8443 }\n", StringComparison.Ordinal);
        var error = Assert.Throws<InputException>(() => TopologyLoader.Parse("customer.yml", text, Catalog))!;
        Assert.That(error.Message, Does.Contain("outlook-rest cannot be on 8443"));
    }

    [Test]
    public void ProfilesInTheCatalogAreChecked()
    {
        var text = "flows:\n  - { id: f, port: 1, protocol: tcp, direction: in, from: [internet], required: always }\nproxyProfiles:\n  - name: Bad_Name\n    does: x\n";
        var error = Assert.Throws<InputException>(() => FlowCatalog.Parse("catalog.yml", text))!;
        Assert.That(error.Message, Does.StartWith("catalog.yml:4: proxyProfiles.Bad_Name: a profile name is a file name"));
    }
}
