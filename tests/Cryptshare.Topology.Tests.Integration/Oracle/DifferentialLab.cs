using System.Net;
using Cryptshare.Topology.Fixtures.Client;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Fixtures.Firewall;
using Cryptshare.Topology.Oracle;
using Cryptshare.Topology.Probing;
using Docker.DotNet.Models;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Networks;

namespace Cryptshare.Topology.Tests.Integration.Oracle;

/// <summary>One zone of the lab: its network, the firewall's address there and the client's.</summary>
public sealed record LabZone(string Name, IPNetwork Subnet, IPAddress Firewall, IPAddress Client);

/// <summary>
/// The smallest topology that lets the kernel judge generated rule sets: the harness firewall in
/// three zone networks (subnets chosen by Docker, interfaces named after the zones) and one client
/// per zone, routed through the firewall only, that also listens (busybox httpd) on a few ports.
/// Docker chooses subnets and addresses.
/// Each client's ephemeral ports are narrowed to <see cref="EphemeralLow"/>–<see cref="EphemeralHigh"/>
/// so that generated port ranges either cover all of them or none.
/// </summary>
public sealed class DifferentialLab : IAsyncDisposable
{
    public const int EphemeralLow = 40000;
    public const int EphemeralHigh = 40999;

    /// <summary>Ports every client listens on.</summary>
    public static readonly int[] ListeningPorts = [22, 80, 443, 8080];

    private static readonly string[] ZoneNames = ["north", "south", "east"];

    private readonly List<INetwork> _networks;
    private readonly Dictionary<string, ClientContainer> _clients;

    private DifferentialLab(List<INetwork> networks, FirewallContainer firewall, IReadOnlyList<LabZone> zones, Dictionary<string, ClientContainer> clients)
    {
        _networks = networks;
        Firewall = firewall;
        Zones = zones;
        _clients = clients;
        Routing = new StaticRouting();
        foreach (var zone in zones)
        {
            Routing.WithInterface(zone.Name, zone.Firewall, zone.Subnet.PrefixLength);
        }
    }

    public FirewallContainer Firewall { get; }

    public IReadOnlyList<LabZone> Zones { get; }

    /// <summary>The firewall's routing, for the oracle.</summary>
    public StaticRouting Routing { get; }

    public static async Task<DifferentialLab> StartAsync(CancellationToken ct = default)
    {
        var networks = new List<INetwork>();
        var clients = new Dictionary<string, ClientContainer>();
        FirewallContainer? firewall = null;
        try
        {
            // Docker chooses the subnets and the addresses (fixed addresses need fixed subnets, which
            // tests leave to Docker); the firewall's interfaces are named after the zones afterwards,
            // by the address each carries, as its entrypoint does for a topology.
            foreach (var _ in ZoneNames)
            {
                var network = new NetworkBuilder()
                    .WithName($"ctt-{Guid.NewGuid():N}")
                    .WithLabel(HarnessLabels.Owner, "true")
                    .WithLabel(HarnessLabels.Run, HarnessLabels.CurrentRun)
                    // As in the topology: nothing is masqueraded, the firewall is the only way between zones.
                    .WithOption("com.docker.network.bridge.enable_ip_masquerade", "false")
                    .Build();
                await network.CreateAsync(ct);
                networks.Add(network);
            }

            var firewallBuilder = new FirewallBuilder(await HostImages.GetAsync(FirewallBuilder.Kind, ct));
            firewallBuilder = networks.Aggregate(firewallBuilder, (builder, network) => builder.WithNetwork(network));
            firewall = firewallBuilder.Build();
            var clientImage = await HostImages.GetAsync(ClientBuilder.Kind, ct);
            for (var i = 0; i < ZoneNames.Length; i++)
            {
                clients[ZoneNames[i]] = new ClientBuilder(clientImage)
                    .WithNetwork(networks[i])
                    .WithCreateParameterModifier(p => (p.HostConfig ??= new HostConfig()).Sysctls = new Dictionary<string, string>
                    {
                        ["net.ipv4.ip_local_port_range"] = $"{EphemeralLow} {EphemeralHigh}",
                    })
                    .Build();
            }

            await firewall.StartAsync(ct);
            await Task.WhenAll(clients.Values.Select(c => c.StartAsync(ct)));
            var zones = new List<LabZone>();
            for (var i = 0; i < ZoneNames.Length; i++)
            {
                zones.Add(new LabZone(ZoneNames[i], await SubnetAsync(networks[i]),
                    await AddressOnAsync(firewall.Id, networks[i]), await AddressOnAsync(clients[ZoneNames[i]].Id, networks[i])));
            }

            await NameInterfacesAsync(firewall, zones, ct);
            var lab = new DifferentialLab(networks, firewall, zones, clients);
            await Task.WhenAll(zones.Select(z => lab.RouteAndListenAsync(z, ct)));
            return lab;
        }
        catch
        {
            await DisposeAllAsync(networks, firewall, clients.Values);
            throw;
        }
    }

    /// <summary>Probes connections (TCP connect only) from the clients, one batch per source zone, all at once; results in the order given.</summary>
    public async Task<IReadOnlyList<ProbeResult>> ProbeAsync(IReadOnlyList<(string SourceZone, IPAddress Destination, int Port)> flows, int timeoutMs, CancellationToken ct = default)
    {
        var requests = flows.Select((f, i) => new ProbeRequest($"f{i}", f.SourceZone, "lab", f.Destination.ToString(), f.Port, ProbeProtocol.Tcp, timeoutMs)).ToList();
        var batches = requests.GroupBy(r => r.Source).Select(async group => await _clients[group.Key].RunProbesAsync(group.ToList(), ct));
        var results = (await Task.WhenAll(batches)).SelectMany(r => r).ToDictionary(r => r.Flow);
        return requests.Select(r => results[r.Flow]).ToList();
    }

    /// <summary>
    /// Ends every TCP connection the clients still hold (their listeners stay), before the probes of
    /// the next rule set. The firewall forgets connections with each load, but a client does not:
    /// a listener that still holds a connection of an earlier rule set (its closing FIN dropped by
    /// that rule set) answers a new SYN for the same four-tuple with a bare ACK (RFC 5961's
    /// challenge), not a SYN-ACK; that is no handshake the oracle follows, nor any customer's
    /// server, found by seed 698468240, rule set 301.
    /// </summary>
    public async Task ForgetConnectionsAsync(CancellationToken ct = default) =>
        await Task.WhenAll(_clients.Values.Select(async client =>
        {
            // Every state of a connection but TIME-WAIT, which holds no socket to answer with.
            const string States = "state established state syn-recv state fin-wait-1 state fin-wait-2 state close-wait state last-ack state closing";
            var result = await client.ExecAsync(["sh", "-c", $"ss -K -tnH {States} >/dev/null && ss -tnH {States}"], ct);
            if (result.ExitCode != 0 || result.Stdout.Trim().Length > 0)
            {
                throw new InvalidOperationException($"lab client: its connections could not be ended (ss -K, {result.ExitCode}): {(result.Stdout + result.Stderr).Trim()}");
            }
        }));

    public async ValueTask DisposeAsync() => await DisposeAllAsync(_networks, Firewall, _clients.Values);

    private async Task RouteAndListenAsync(LabZone zone, CancellationToken ct)
    {
        var routes = Zones.Where(z => z != zone).Select(z => $"ip route replace {z.Subnet} via {zone.Firewall}");
        var listeners = ListeningPorts.Select(p => $"busybox httpd -p {p} -h /srv/www");
        var script = string.Join(" && ", new[] { "ip route del default", "mkdir -p /srv/www", "echo lab > /srv/www/index.html" }.Concat(routes).Concat(listeners));
        var result = await _clients[zone.Name].ExecAsync(["sh", "-c", script], ct);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"lab client in {zone.Name}: {script}: {result.Stderr}");
        }
    }

    /// <summary>Renames each firewall interface after its zone, found by the address it carries (never by ethN order).</summary>
    private static async Task NameInterfacesAsync(FirewallContainer firewall, IReadOnlyList<LabZone> zones, CancellationToken ct)
    {
        foreach (var zone in zones)
        {
            var script = $"dev=$(ip -o -4 addr show | awk -v a={zone.Firewall} '{{split($4, p, \"/\"); if (p[1] == a) print $2}}' | head -n1)"
                + $" && [ -n \"$dev\" ] && ip link set \"$dev\" down && ip link set \"$dev\" name {zone.Name} && ip link set {zone.Name} up";
            var result = await firewall.ExecAsync(["sh", "-c", script], ct);
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException($"lab firewall: naming the interface of {zone.Firewall} '{zone.Name}' failed: {result.Stderr}");
            }
        }
    }

    private static async Task<IPAddress> AddressOnAsync(string containerId, INetwork network)
    {
        using var docker = DockerClientsForTests.Create();
        var inspected = await docker.Containers.InspectContainerAsync(containerId);
        return IPAddress.Parse(inspected.NetworkSettings!.Networks[network.Name].IPAddress);
    }

    private static async Task<IPNetwork> SubnetAsync(INetwork network)
    {
        using var docker = DockerClientsForTests.Create();
        var inspected = await docker.Networks.InspectNetworkAsync(network.Name);
        return IPNetwork.Parse(inspected.IPAM.Config.Single(c => c.Subnet.Contains('.')).Subnet);
    }

    private static async Task DisposeAllAsync(IEnumerable<INetwork> networks, FirewallContainer? firewall, IEnumerable<ClientContainer> clients)
    {
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }

        if (firewall is not null)
        {
            await firewall.DisposeAsync();
        }

        foreach (var network in networks)
        {
            await network.DisposeAsync();
        }
    }
}
