using System.Xml.Linq;
using Cryptshare.Topology.Cli;

namespace Cryptshare.Topology.Tests.Unit.Reports;

/// <summary>`graph`: the topology as SVG from the file alone; bad input is one line naming file and line, exit 2.</summary>
[TestFixture]
public sealed class GraphVerbTests
{
    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => Directory.CreateDirectory(_folder = Path.Combine(Path.GetTempPath(), $"ctt-graph-{Guid.NewGuid():N}"));

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_folder, recursive: true);

    private static async Task<(int Exit, string Out, string Error)> Graph(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await Tool.RunAsync(["graph", .. args], output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Test]
    public async Task ABadTopologyExitsTwoWithFileAndLine()
    {
        var file = Path.Combine(_folder, "customer.yml");
        await File.WriteAllTextAsync(file, """
            zones:
              outside: { subnet: 10.9.1.0/24, firewall: 10.9.1.254, role: internet }
              dmz: { subnet: 10.9.2.0/24, firewall: 10.9.2.254 }
            hosts:
              server:
                kind: cryptshare-server
                zone: dmz
                address: 10.9.1.10
            """);
        var (exit, output, error) = await Graph("--topology", file);
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(output, Is.Empty);
        Assert.That(error.TrimEnd(), Is.EqualTo($"{file}:8: hosts.server.address: 10.9.1.10 is outside zone 'dmz' (10.9.2.0/24)"));
    }

    [Test]
    public async Task AMissingTopologyFileExitsTwo()
    {
        var (exit, _, error) = await Graph("--topology", Path.Combine(_folder, "nope.yml"));
        Assert.That((exit, error.Trim()), Is.EqualTo((2, $"{Path.Combine(_folder, "nope.yml")}: file not found")));
    }

    [Test]
    public async Task TheDefaultTopologyIsWrittenAsSvg()
    {
        var file = Path.Combine(_folder, "topology.svg");
        var (exit, output, error) = await Graph("--out", file);
        Assert.That((exit, error), Is.EqualTo((0, string.Empty)));
        Assert.That(output, Does.Contain("4 zones, 11 hosts"));
        var svg = XDocument.Load(file);
        Assert.That(svg.Root!.Name.LocalName, Is.EqualTo("svg"));
        Assert.That(svg.Descendants().Count(e => (string?)e.Attribute("class") == "host"), Is.EqualTo(11));
    }

    [Test]
    public async Task WithoutOutTheSvgGoesToStandardOutput()
    {
        var (exit, output, _) = await Graph();
        Assert.That(exit, Is.EqualTo(0));
        Assert.That(XDocument.Parse(output).Root!.Name.LocalName, Is.EqualTo("svg"));
    }
}
