using System.Xml.Linq;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.Reports;

namespace Cryptshare.Topology.Tests.Unit.Reports;

/// <summary>The topology picture: well-formed SVG, every zone, host and interface, one arrow per probed flow.</summary>
[TestFixture]
public sealed class TopologySvgTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static IEnumerable<XElement> WithClass(XDocument svg, string name) =>
        svg.Descendants().Where(e => ((string?)e.Attribute("class"))?.Split(' ').Contains(name) == true);

    [Test]
    public void TheTopologyAloneHasEveryZoneHostAndInterfaceAndNoArrows()
    {
        var svg = XDocument.Parse(TopologySvg.Render(SampleMatrix.Topology));
        var topology = SampleMatrix.Topology;
        Assert.Multiple(() =>
        {
            Assert.That(svg.Root!.Name, Is.EqualTo(Svg + "svg"));
            Assert.That(WithClass(svg, "zone").Select(z => (string)z.Attribute("data-zone")!), Is.EqualTo(topology.Zones.Select(z => z.Name)));
            Assert.That(WithClass(svg, "host").Select(h => (string)h.Attribute("data-host")!), Is.EqualTo(topology.Hosts.Select(h => h.Name)));
            Assert.That(WithClass(svg, "interface").Select(i => (string)i.Attribute("data-interface")!), Is.EqualTo(topology.Zones.Select(z => z.Name)));
            Assert.That(WithClass(svg, "flow"), Is.Empty);
            Assert.That(WithClass(svg, "legend"), Is.Empty, "no arrows, nothing to explain");
            var texts = svg.Descendants(Svg + "text").Select(t => t.Value).ToList();
            Assert.That(texts, Does.Contain("10.77.3.0/24").And.Contain("10.77.2.10").And.Contain("cryptshare-server").And.Contain("10.77.4.254"));
        });
    }

    [Test]
    public void EveryProbedFlowIsOneArrowColouredByItsVerdict()
    {
        var report = SampleMatrix.Report(SampleMatrix.RuleSet("04-ldaps-on-686"), c => c.Key == "ui-https/internet" ? Verdict.Broken : null);
        var svg = XDocument.Parse(TopologySvg.Render(SampleMatrix.Topology, report));
        var arrows = WithClass(svg, "flow").ToList();
        Assert.That(arrows, Has.Count.EqualTo(report.Flows.Count));
        Assert.That((int)svg.Root!.Attribute("data-flows")!, Is.EqualTo(report.Flows.Count));
        Assert.That(WithClass(svg, "flow-arrow").Count(), Is.EqualTo(report.Flows.Count));
        foreach (var (flow, arrow) in report.Flows.Zip(arrows))
        {
            var path = arrow.Element(Svg + "path")!;
            Assert.That(((string)arrow.Attribute("data-flow")!, (string)arrow.Attribute("data-from")!), Is.EqualTo((flow.Id, flow.From)));
            Assert.That((string)path.Attribute("stroke")!, Is.EqualTo(VerdictColours.Of(flow.Observed)), flow.Id);
            Assert.That(path.Attribute("stroke-dasharray") is not null, Is.EqualTo(!flow.Matches), $"{flow.Id}/{flow.From} dashed only when it differs");
            Assert.That((string)path.Attribute("d")!, Does.Match(@"^M \d+ \d+ C "));
        }

        Assert.That(WithClass(svg, "legend-entry").Count(), Is.EqualTo(Enum.GetValues<Verdict>().Length + 1));
    }

    [Test]
    public void AFlowBetweenHostsTheTopologyDoesNotKnowStillGetsItsArrow()
    {
        var flow = new FlowReport("ui-https", "moon", "nowhere", 443, null, Verdict.Dropped, 5, "", true, false);
        var svg = XDocument.Parse(TopologySvg.Render(SampleMatrix.Topology, new RuleSetReport("x", "00", [flow])));
        Assert.That(WithClass(svg, "flow").Count(), Is.EqualTo(1));
    }

    [TestCase("internet")]
    [TestCase("outside")]
    public void ACustomersZoneNamesAreFollowedByRoleOrByName(string from)
    {
        var topology = TopologyLoader.Parse("customer.yml", """
            zones:
              outside: { subnet: 192.0.2.0/24, firewall: 192.0.2.1, role: internet }
              servers: { subnet: 198.51.100.0/24, firewall: 198.51.100.1, role: dmz }
            hosts:
              cs: { kind: cryptshare-server, zone: servers, address: 198.51.100.10, serves: [ui-https] }
              browser: { kind: client, zone: outside, address: 192.0.2.10 }
            """, SampleMatrix.Catalog);
        var flow = new FlowReport("ui-https", from, "cs", 443, Verdict.Allowed, Verdict.Allowed, 3, "", true, false);
        var svg = XDocument.Parse(TopologySvg.Render(topology, new RuleSetReport("customer", "00", [flow])));
        var layout = new TopologyLayout(topology, new Dictionary<string, int> { ["cs"] = 1, ["browser"] = 1 });
        var path = (string)WithClass(svg, "flow-arrow").Single().Attribute("d")!;
        Assert.That(path, Does.StartWith($"M {layout.InnerEdge("browser")} "), "the arrow starts at the client in the internet-role zone");
        Assert.That(path, Does.EndWith($" {layout.InnerEdge("cs")} {layout.Host("cs")!.Value.Y + 6 + ((layout.Host("cs")!.Value.Height - 12) / 2)}"));
    }

    [Test]
    public void ThePictureIsDeterministicAndSelfContained()
    {
        var report = SampleMatrix.Report(SampleMatrix.RuleSet("01-documented"));
        var first = TopologySvg.Render(SampleMatrix.Topology, report);
        Assert.That(TopologySvg.Render(SampleMatrix.Topology, report), Is.EqualTo(first));
        Assert.That(first, Does.StartWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>"));
        var svg = XDocument.Parse(first);
        Assert.That(svg.Descendants().Where(e => e.Name.LocalName is "script" or "image" or "foreignObject" or "style"), Is.Empty);
        Assert.That(svg.Descendants().Attributes().Where(a => a.Name.LocalName == "href"), Is.Empty);
    }
}
