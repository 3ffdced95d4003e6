using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Input;
using Cryptshare.Topology.Model;

namespace Cryptshare.Topology.Tests.Unit.Live;

/// <summary>The site file: the same strict reading as a topology, the agents' zones, and a topology that is the same network.</summary>
[TestFixture]
public sealed class SiteFileTests
{
    private static readonly FlowCatalog Catalog = FlowCatalog.Load(Path.Combine(RepositoryLayout.Fixtures, "flows", "catalog.yml"));

    private const string Zones = """
        site: s
        zones:
          internet: { subnet: 10.79.1.0/24, firewall: 10.79.1.254, agent: 10.79.1.10 }
          dmz: { subnet: 10.79.2.0/24, firewall: 10.79.2.254 }
        """;

    [Test]
    public void TheDefaultSiteIsTheDefaultTopology()
    {
        var site = SiteLoader.Load(Path.Combine(RepositoryLayout.Fixtures, "sites", "default.yml"), Catalog);
        var topology = TopologyLoader.Load(Path.Combine(RepositoryLayout.Fixtures, "topologies", "default.yml"), Catalog);

        Assert.That(site.Topology.Profile, Is.EqualTo(topology.Profile));
        Assert.That(site.Topology.Zones, Is.EqualTo(topology.Zones));
        Assert.That(site.Topology.Hosts.Select(Described).Order(), Is.EqualTo(topology.Hosts.Select(Described).Order()));
        Assert.That(site.Zones.Select(z => $"{z.Name} {z.SourceHost}"), Is.EquivalentTo(new[] { "internet internet-client", "dmz cryptshare", "intranet intranet-client", "admin admin-client" }));
    }

    [TestCase("hosts:\n  ldap: { kind: ldap, zone: dmz, address: 10.79.2.30, serves: [ldap], basedn: x }\n", 6, "hosts.ldap: `basedn`: unknown key; did you mean `baseDn`?")]
    [TestCase("hosts:\n  c: { kind: cryptshare-server, zone: dmz, address: 10.79.2.10, serves: [ui-http], paths: { ui-https: / } }\n", 6, "hosts.c.paths.ui-https: the host does not serve flow 'ui-https'")]
    [TestCase("hosts:\n  c: { kind: cryptshare-server, zone: dmz, address: 10.79.2.10, serves: [ui-http], paths: { ui-http: index.html } }\n", 6, "hosts.c.paths.ui-http: 'index.html' is not a request path")]
    [TestCase("hosts:\n  a: { kind: archive, zone: dmz, address: 10.79.2.40, serves: [archive-scp], hostKey: AAAA }\n", 6, "hosts.a.hostKey: write the key's fingerprint as ssh-keygen -lf prints it")]
    [TestCase("hosts:\n  c: { kind: cryptshare-server, zone: dmz, address: 10.79.2.10, serves: [ui-http], name: \"bad name\" }\n", 6, "hosts.c.name: 'bad name' is not a host name")]
    [TestCase("hosts:\n  u: { kind: update-server, zone: internet, address: 10.79.1.10, serves: [product-updates] }\n", 3, "zones.internet.agent: 10.79.1.10 is already host 'u'")]
    public void SiteErrorsNameFileLineAndField(string hosts, int line, string message)
    {
        var error = Assert.Throws<InputException>(() => SiteLoader.Parse("site.yml", Zones + "\n" + hosts, Catalog))!;
        Assert.That(error.Message, Does.StartWith($"site.yml:{line}: "));
        Assert.That(error.Message, Does.Contain(message));
    }

    [TestCase("agent: 10.79.3.10", "is outside the zone's subnet 10.79.1.0/24")]
    [TestCase("agent: 10.79.1.254", "is the firewall's address")]
    public void AnAgentOutsideItsZoneIsRefused(string agent, string message)
    {
        var text = Zones.Replace("agent: 10.79.1.10", agent, StringComparison.Ordinal) + "\nhosts:\n  c: { kind: cryptshare-server, zone: dmz, address: 10.79.2.10, serves: [ui-http] }\n";
        var error = Assert.Throws<InputException>(() => SiteLoader.Parse("site.yml", text, Catalog))!;
        Assert.That(error.Message, Does.StartWith("site.yml:3: zones.internet.agent: ").And.Contain(message));
    }

    [Test]
    public void CredentialErrorsNeverShowAValue()
    {
        var site = SiteLoader.Parse("site.yml", Zones + "\nhosts:\n  ldap: { kind: ldap, zone: dmz, address: 10.79.2.30, serves: [ldap] }\n  archive: { kind: archive, zone: dmz, address: 10.79.2.40, serves: [archive-scp] }\n", Catalog);
        string[] files =
        [
            "ldap: { user: cn=x, pasword: Sup3r-Secret }\n",
            "ldpa: { user: cn=x, password: Sup3r-Secret }\n",
            "archive: { user: archive, privateKey: Sup3r-Secret }\n",
            "ldap: { password: Sup3r-Secret }\n",
            "ldap: Sup3r-Secret\n",
            "ldap: { user: cn=x, password: [Sup3r-Secret] }\n",
        ];
        foreach (var text in files)
        {
            var error = Assert.Throws<InputException>(() => SiteCredentialsLoader.Parse("credentials.yml", text, site))!;
            Assert.That(error.Message, Does.StartWith("credentials.yml:1: ").And.Not.Contain("Sup3r-Secret"), text);
        }

        Assert.That(Assert.Throws<InputException>(() => SiteCredentialsLoader.Parse("credentials.yml", "ldpa: { user: x }\n", site))!.Message, Does.Contain("did you mean `ldap`?"));
    }

    private static string Described(HostDefinition host) =>
        $"{host.Name} {host.Kind} {host.Zone} {host.Address} [{string.Join(",", host.Serves)}] [{string.Join(",", host.Ports.Select(p => $"{p.Key}={p.Value}"))}] {host.ReverseProxy}";
}
