using System.Diagnostics;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Fixtures.Topology;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.Tests.Integration.Cli;
using Cryptshare.Topology.Tests.Integration.Flows;
using YamlDotNet.RepresentationModel;

namespace Cryptshare.Topology.Tests.Integration.Compose;

/// <summary>
/// The root docker-compose.yml (manual work on the default topology) agrees with
/// fixtures/topologies/default.yml — services, networks, subnets, addresses, routes, firewall — and
/// Docker Compose itself accepts it (`docker compose config`, plugin and standalone, whichever exist);
/// the `compose` verb renders every topology of fixtures/topologies, and Compose accepts each.
/// Nothing is started.
/// </summary>
[TestFixture]
[Category("Compose")]
public sealed class ComposeFileTests
{
    private static readonly TopologyDefinition Topology = DefaultLibrary.Topology;

    private YamlMappingNode _compose = null!;

    private static string ComposeFile => Path.Combine(RepositoryLayout.Root, "docker-compose.yml");

    [OneTimeSetUp]
    public void ReadComposeFile() => _compose = Load(ComposeFile);

    [Test]
    public void ThereIsOneServicePerHostAndTheFirewall()
    {
        Assert.That(Keys(Map(_compose, "services")), Is.EquivalentTo(Topology.Hosts.Select(h => h.Name).Append("firewall")));
    }

    [Test]
    public void EveryZoneIsABridgeWithItsSubnetAndNoMasquerading()
    {
        var networks = Map(_compose, "networks");
        Assert.That(Keys(networks), Is.EquivalentTo(Topology.Zones.Select(z => z.Name)));
        Assert.Multiple(() =>
        {
            foreach (var zone in Topology.Zones)
            {
                var network = Map(networks, zone.Name);
                var ipam = (YamlMappingNode)((YamlSequenceNode)Map(network, "ipam")["config"]).Children.Single();
                Assert.That(Text(ipam, "subnet"), Is.EqualTo(zone.Subnet.ToString()), zone.Name);
                Assert.That(Text(ipam, "gateway"), Is.EqualTo(ZoneNetworks.BridgeAddress(Topology, zone).ToString()), $"{zone.Name}: the bridge takes the address the harness gives it");
                Assert.That(Text(network, "driver"), Is.EqualTo("bridge"));
                Assert.That(Text(Map(network, "driver_opts"), "com.docker.network.bridge.enable_ip_masquerade"), Is.EqualTo("false"));
            }
        });
    }

    [Test]
    public void TheFirewallIsInEveryZoneAtItsAddressForwardingFailClosedThenTheRuleSet()
    {
        var firewall = Map(Map(_compose, "services"), "firewall");
        var networks = Map(firewall, "networks");
        Assert.That(Keys(networks), Is.EquivalentTo(Topology.Zones.Select(z => z.Name)));
        Assert.Multiple(() =>
        {
            foreach (var zone in Topology.Zones)
            {
                Assert.That(Text(Map(networks, zone.Name), "ipv4_address"), Is.EqualTo(zone.FirewallAddress.ToString()), zone.Name);
            }

            Assert.That(Text(firewall, "image"), Is.EqualTo("cryptshare-topology/firewall:latest"));
            Assert.That(Items(firewall, "cap_add"), Does.Contain("NET_ADMIN"));
            Assert.That(Text(Map(firewall, "sysctls"), "net.ipv4.ip_forward"), Is.EqualTo("1"));
            Assert.That(Text(Map(firewall, "sysctls"), "net.ipv4.icmp_ratelimit"), Is.EqualTo("0"));
            var environment = Map(firewall, "environment");
            Assert.That(Text(environment, "CTT_ZONES"), Is.EqualTo(string.Join(' ', Topology.Zones.Select(z => $"{z.Interface}={z.FirewallAddress}"))));
            Assert.That(Text(environment, "CTT_RULESET"), Is.EqualTo("/etc/ctt/rulesets/01-documented.nft"));
        });
    }

    [Test]
    public void EveryHostHasItsImageNameAddressNamesAndOneRoutePerOtherZoneViaTheFirewall()
    {
        var services = Map(_compose, "services");
        Assert.Multiple(() =>
        {
            foreach (var host in Topology.Hosts)
            {
                var service = Map(services, host.Name);
                var gateway = Topology.Zone(host.Zone).FirewallAddress;
                Assert.That(Text(service, "image"), Is.EqualTo($"cryptshare-topology/{host.Kind}:latest"), host.Name);
                Assert.That(Text(service, "hostname"), Is.EqualTo(host.Name));
                Assert.That(Items(service, "cap_add"), Does.Contain("NET_ADMIN"), host.Name);
                var networks = Map(service, "networks");
                Assert.That(Keys(networks), Is.EqualTo(new[] { host.Zone }), host.Name);
                Assert.That(Text(Map(networks, host.Zone), "ipv4_address"), Is.EqualTo(host.Address.ToString()), host.Name);
                Assert.That(Items(service, "extra_hosts"), Is.EquivalentTo(Topology.Hosts.Where(h => h != host).Select(h => $"{h.Name}:{h.Address}")), host.Name);

                var wrapper = Items(service, "entrypoint")[2];
                Assert.That(wrapper, Does.StartWith("ip route del default"), $"{host.Name}: no default route");
                foreach (var zone in Topology.Zones.Where(z => z.Name != host.Zone))
                {
                    Assert.That(wrapper, Does.Contain($"ip route replace {zone.Subnet} via {gateway}"), $"{host.Name} → {zone.Name}");
                }

                Assert.That(Text(Map(Map(service, "depends_on"), "firewall"), "condition"), Is.EqualTo("service_healthy"), $"{host.Name} waits for the firewall");
            }
        });
    }

    [Test]
    public async Task DockerComposeAcceptsIt() => await DockerComposeAcceptsAsync(ComposeFile);

    /// <summary>Every topology of the repository, with the first rule set of its own folder under fixtures/rulesets when it has one.</summary>
    public static IEnumerable<TestCaseData> EveryTopology() =>
        Directory.EnumerateFiles(Path.Combine(RepositoryLayout.Fixtures, "topologies"), "*.yml").Order(StringComparer.Ordinal).Select(file =>
        {
            var own = Path.Combine(RepositoryLayout.Fixtures, "rulesets", Path.GetFileNameWithoutExtension(file));
            var ruleSet = Directory.Exists(own)
                ? Directory.EnumerateFiles(own, "*.nft").Order(StringComparer.Ordinal).First()
                : Path.Combine(RepositoryLayout.Fixtures, "rulesets", "01-documented.nft");
            return new TestCaseData(file, ruleSet).SetArgDisplayNames(Path.GetFileName(file));
        });

    [TestCaseSource(nameof(EveryTopology))]
    public async Task TheVerbRendersEveryTopologyAndDockerComposeAcceptsIt(string topologyFile, string ruleSetFile)
    {
        var folder = Directory.CreateTempSubdirectory("ctt-compose-").FullName;
        try
        {
            var rendered = await ToolProcess.RunAsync(ToolProcess.NewRunId(), "compose", "--topology", topologyFile, "--rules", ruleSetFile, "--out", folder, "--no-images");
            Assert.That(rendered.ExitCode, Is.Zero, rendered.ToString());
            var composeFile = Path.Combine(folder, "docker-compose.yml");
            var topology = TopologyLoader.Load(topologyFile, DefaultLibrary.Catalog);
            var services = Keys(Map(Load(composeFile), "services")).ToList();
            Assert.That(services, Is.EquivalentTo(topology.Hosts.Select(h => h.Name).Append("firewall")), "one service per host and the firewall");
            await DockerComposeAcceptsAsync(composeFile);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task DockerComposeAcceptsAsync(string composeFile)
    {
        var clients = new List<string[]>();
        if (await RunsAsync("docker", "compose", "version"))
        {
            clients.Add(["docker", "compose"]);
        }

        if (await RunsAsync("docker-compose", "version"))
        {
            clients.Add(["docker-compose"]);
        }

        Assert.That(clients, Is.Not.Empty, "neither the docker compose plugin nor docker-compose is installed (eng/ensure-engine.sh installs docker-compose)");
        foreach (var client in clients)
        {
            var (exit, output) = await RunAsync(client[0], [.. client[1..], "--file", composeFile, "config", "--quiet"]);
            Assert.That(exit, Is.Zero, $"{string.Join(' ', client)} config of {composeFile}: {output}");
        }
    }

    private static YamlMappingNode Load(string file)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(file);
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static YamlMappingNode Map(YamlMappingNode node, string key) => (YamlMappingNode)node[key];

    private static string Text(YamlMappingNode node, string key) => ((YamlScalarNode)node[key]).Value!;

    private static List<string> Items(YamlMappingNode node, string key) =>
        ((YamlSequenceNode)node[key]).Children.Cast<YamlScalarNode>().Select(s => s.Value!).ToList();

    private static IEnumerable<string> Keys(YamlMappingNode node) => node.Children.Keys.Cast<YamlScalarNode>().Select(k => k.Value!);

    private static async Task<bool> RunsAsync(string file, params string[] args)
    {
        try
        {
            return (await RunAsync(file, args)).Exit == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // not installed
        }
    }

    private static async Task<(int Exit, string Output)> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepositoryLayout.Root };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
