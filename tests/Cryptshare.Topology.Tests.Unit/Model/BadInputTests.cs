using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Input;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.RuleSets;

namespace Cryptshare.Topology.Tests.Unit.Model;

/// <summary>Each kind of bad topology or expectation input gives one clear line: file, line, field, problem.</summary>
[TestFixture]
public sealed class BadInputTests
{
    private static readonly FlowCatalog Catalog = FlowCatalog.Load(Path.Combine(RepositoryLayout.Fixtures, "flows", "catalog.yml"));

    private const string Zones = """
        zones:
          internet: { subnet: 10.77.1.0/24, firewall: 10.77.1.254 }
          dmz: { subnet: 10.77.2.0/24, firewall: 10.77.2.254 }
        """;

    [TestCase("hosts:\n  a:\n    kind: client\n    zone: moon\n    address: 10.77.1.5\n", 7, "hosts.a.zone: unknown zone 'moon'")]
    [TestCase("hosts:\n  a:\n    kind: client\n    zone: internet\n    address: 10.77.2.5\n", 8, "hosts.a.address: 10.77.2.5 is outside zone 'internet'")]
    [TestCase("hosts:\n  a:\n    kind: client\n    zone: internet\n    address: 10.77.1.5\n  b:\n    kind: client\n    zone: internet\n    address: 10.77.1.5\n", 12, "hosts.b.address: 10.77.1.5 is already host 'a'")]
    [TestCase("hosts:\n  a:\n    kind: toaster\n    zone: internet\n    address: 10.77.1.5\n", 6, "hosts.a.kind: unknown host kind 'toaster'")]
    [TestCase("hosts:\n  s:\n    kind: cryptshare-server\n    zone: dmz\n    address: 10.77.2.10\n    serves: [ui-http, nope]\n", 9, "hosts.s.serves: unknown flow id 'nope'")]
    [TestCase("hosts:\n  s:\n    kind: cryptshare-server\n    zone: dmz\n    address: 10.77.2.10\n    serves: [ui-http, ui-https]\n    ports: { ui-https: 80 }\n", 10, "port conflict: ui-http and ui-https would both listen on 80")]
    [TestCase("hosts:\n  s:\n    kind: cryptshare-server\n    zone: dmz\n    address: 10.77.2.10\n    serves: [ui-http]\n    ports: { ui-http: 70000 }\n", 10, "'70000' is not a port")]
    public void TopologyErrorsNameFileLineAndField(string hosts, int line, string message)
    {
        var error = Assert.Throws<InputException>(() => TopologyLoader.Parse("customer.yml", Zones + "\n" + hosts, Catalog))!;
        Assert.That(error.Message, Does.StartWith($"customer.yml:{line}: "));
        Assert.That(error.Message, Does.Contain(message));
    }

    [Test]
    public void OverlappingZonesAreRefused()
    {
        var text = "zones:\n  internet: { subnet: 10.77.0.0/16, firewall: 10.77.1.254 }\n  dmz: { subnet: 10.77.2.0/24, firewall: 10.77.2.254 }\nhosts: {}\n";
        var error = Assert.Throws<InputException>(() => TopologyLoader.Parse("t.yml", text, Catalog))!;
        Assert.That(error.Message, Does.StartWith("t.yml:3: zones.dmz.subnet: 10.77.2.0/24 overlaps zone 'internet'"));
    }

    [TestCase("expect:\n  ui-http/internet: alowed\n", 2, "'alowed' is not a verdict")]
    [TestCase("expect:\n  ui-htp/internet: allowed\n", 2, "unknown flow id 'ui-htp'")]
    [TestCase("expect:\n  smtp/internet: allowed\n", 2, "flow 'smtp' is not probed from 'internet'")]
    [TestCase("expect:\n  ui-http/internet: allowed\n  ui-http/internet: dropped\n", 3, "not valid YAML")]
    public void ExpectationErrorsNameFileAndLine(string text, int line, string message)
    {
        var error = Assert.Throws<InputException>(() => RuleSetLoader.ReadExpectations("x.expect.yml", text, Catalog))!;
        Assert.That(error.Message, Does.StartWith($"x.expect.yml:{line}: "));
        Assert.That(error.Message, Does.Contain(message));
    }
}
