using System.Net;
using Cryptshare.Topology.Fixtures.Client;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Fixtures.Firewall;
using Cryptshare.Topology.Probing;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Networks;

namespace Cryptshare.Topology.Tests.Integration.Client;

/// <summary>
/// The verdicts when a router decides: a prober and a target in two networks, the harness firewall
/// between them as the only path (no default routes), and a rule set that accepts, drops and rejects
/// in each of nft's ways. The ICMP the firewall sends names the firewall; a host missing behind the
/// firewall is told from a reject rule by how late the firewall's unreachable comes.
/// </summary>
[TestFixture]
[Category("Hosts")]
public sealed class ClientProbeThroughFirewallTests
{
    private INetwork _near = null!;
    private INetwork _far = null!;
    private FirewallContainer _firewall = null!;
    private ClientContainer _prober = null!;
    private ClientContainer _target = null!;
    private string _firewallNear = null!;
    private Dictionary<string, ProbeResult> _results = null!;

    [OneTimeSetUp]
    public async Task StartRoutedPairAndRunOneBatch()
    {
        _near = await CreateNetworkAsync();
        _far = await CreateNetworkAsync();
        var near = await SubnetAsync(_near);
        var far = await SubnetAsync(_far);
        var absentLate = LastHost(far, 0);
        var absentEarly = LastHost(far, 1);

        // Fixed addresses need fixed subnets, which tests leave to Docker: the firewall takes the
        // addresses Docker gives it, and needs no zone names (the rules below match no interface).
        _firewall = new FirewallBuilder(await HostImages.GetAsync(FirewallBuilder.Kind))
            .WithNetwork(_near)
            .WithNetwork(_far)
            .Build();
        var clientImage = await HostImages.GetAsync(ClientBuilder.Kind);
        _prober = new ClientBuilder(clientImage).WithNetwork(_near).Build();
        _target = new ClientBuilder(clientImage).WithNetwork(_far).Build();
        await Task.WhenAll(_firewall.StartAsync(), _prober.StartAsync(), _target.StartAsync());
        _firewallNear = await AddressOnAsync(_firewall, _near);
        var firewallFar = await AddressOnAsync(_firewall, _far);

        await ExecCheckedAsync(_prober, $"ip route del default && ip route add {far} via {_firewallNear}");
        await ExecCheckedAsync(_target, $"ip route del default && ip route add {near} via {firewallFar} && mkdir -p /srv/www && echo far > /srv/www/index.html && busybox httpd -p 8080 -h /srv/www");
        await _firewall.LoadRuleSetAsync($$"""
            table inet probe_test {
              chain forward {
                type filter hook forward priority filter; policy drop;
                ct state established,related accept
                tcp dport 8080 accept
                tcp dport 8081 drop
                tcp dport 8082 reject with icmp type admin-prohibited
                tcp dport 8083 reject with tcp reset
                tcp dport 8084 reject with icmp type host-unreachable
                tcp dport 8085 reject
                ip daddr { {{absentLate}}, {{absentEarly}} } accept
              }
            }
            """, "probe-test.nft");

        var target = await AddressOnAsync(_target, _far);
        ProbeRequest Probe(string flow, string address, int port, int timeoutMs = 1000) =>
            new(flow, "prober", "far", address, port, ProbeProtocol.Tcp, timeoutMs);
        List<ProbeRequest> batch =
        [
            Probe("accepted", target, 8080) with { Protocol = ProbeProtocol.Http },
            Probe("dropped", target, 8081),
            Probe("admin-prohibited", target, 8082),
            Probe("tcp-reset", target, 8083),
            Probe("host-unreachable-rule", target, 8084, timeoutMs: 6000),
            Probe("plain-reject", target, 8085),
            Probe("policy", target, 9999),
            Probe("absent-late", absentLate, 80, timeoutMs: 6000),
            Probe("absent-early", absentEarly, 80),
        ];
        var results = await _prober.RunProbesAsync(batch);
        foreach (var result in results)
        {
            TestContext.Progress.WriteLine(ProbeJson.SerializeLine(result));
        }

        _results = results.ToDictionary(r => r.Flow);
    }

    [OneTimeTearDown]
    public async Task DisposeAll()
    {
        if (_prober is not null)
        {
            await _prober.DisposeAsync();
        }

        if (_target is not null)
        {
            await _target.DisposeAsync();
        }

        if (_firewall is not null)
        {
            await _firewall.DisposeAsync();
        }

        if (_near is not null)
        {
            await _near.DisposeAsync();
        }

        if (_far is not null)
        {
            await _far.DisposeAsync();
        }
    }

    [TestCase("accepted", ProbeVerdict.Allowed, "HTTP 200 OK")]
    [TestCase("dropped", ProbeVerdict.Dropped, "no answer to the SYN within 1000 ms")]
    [TestCase("policy", ProbeVerdict.Dropped, "no answer to the SYN within 1000 ms")]
    [TestCase("tcp-reset", ProbeVerdict.Rejected, "TCP RST (connection refused)")]
    [TestCase("admin-prohibited", ProbeVerdict.Rejected, "ICMP admin-prohibited from {firewall}")]
    [TestCase("host-unreachable-rule", ProbeVerdict.Rejected, "ICMP host-unreachable from {firewall}")]
    [TestCase("plain-reject", ProbeVerdict.Rejected, "ICMP port-unreachable from {firewall}")]
    public void RuleDecides(string flow, ProbeVerdict verdict, string detail)
    {
        var result = _results[flow];
        Assert.That(result.Verdict, Is.EqualTo(verdict), result.Detail);
        Assert.That(result.Detail, Is.EqualTo(detail.Replace("{firewall}", _firewallNear)));
    }

    [Test]
    public void HostMissingBehindTheFirewallIsUnroutableOnceTheFirewallsArpGivesUp()
    {
        var result = _results["absent-late"];
        Assert.That(result.Verdict, Is.EqualTo(ProbeVerdict.Unroutable), result.Detail);
        Assert.That(result.Detail, Does.StartWith($"ICMP host-unreachable from {_firewallNear} after "));
        Assert.That(result.ElapsedMs, Is.InRange(2500, 6000));
    }

    [Test]
    public void HostMissingBehindTheFirewallLooksDroppedWithAShortTimeout()
    {
        // Known limit: before the firewall's ARP gives up (~3 s) nothing tells a missing host from a
        // drop. The topology proves its hosts with an always-allowed control flow before believing a drop.
        var result = _results["absent-early"];
        Assert.That(result.Verdict, Is.EqualTo(ProbeVerdict.Dropped), result.Detail);
    }

    private static async Task<INetwork> CreateNetworkAsync()
    {
        var network = new NetworkBuilder()
            .WithName($"ctt-{Guid.NewGuid():N}")
            .WithLabel(HarnessLabels.Owner, "true")
            .WithLabel(HarnessLabels.Run, HarnessLabels.CurrentRun)
            // As in the topology: nothing is masqueraded, the firewall is the only way between networks.
            .WithOption("com.docker.network.bridge.enable_ip_masquerade", "false")
            .Build();
        await network.CreateAsync();
        return network;
    }

    private static async Task<IPNetwork> SubnetAsync(INetwork network)
    {
        using var docker = DockerClientsForTests.Create();
        var inspected = await docker.Networks.InspectNetworkAsync(network.Name);
        return IPNetwork.Parse(inspected.IPAM.Config.Single(c => c.Subnet.Contains('.')).Subnet);
    }

    private static async Task<string> AddressOnAsync(DotNet.Testcontainers.Containers.IContainer container, INetwork network)
    {
        using var docker = DockerClientsForTests.Create();
        var inspected = await docker.Containers.InspectContainerAsync(container.Id);
        return inspected.NetworkSettings!.Networks[network.Name].IPAddress;
    }

    /// <summary>Counting down from the last host address: Docker allocates from the bottom, so these are free.</summary>
    private static string LastHost(IPNetwork subnet, uint below)
    {
        var bytes = subnet.BaseAddress.GetAddressBytes();
        var broadcast = (uint)IPAddress.NetworkToHostOrder(BitConverter.ToInt32(bytes)) | ((1u << (32 - subnet.PrefixLength)) - 1);
        return new IPAddress(BitConverter.GetBytes(IPAddress.HostToNetworkOrder((int)(broadcast - 1 - below)))).ToString();
    }

    private static async Task ExecCheckedAsync(ClientContainer container, string script)
    {
        var result = await container.ExecAsync(["bash", "-c", script]);
        Assert.That(result.ExitCode, Is.Zero, $"{script}: {result.Stderr}");
    }
}
