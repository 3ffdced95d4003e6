using System.Diagnostics;
using System.Net;
using Cryptshare.Topology.Fixtures.Client;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Probing;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Networks;

namespace Cryptshare.Topology.Tests.Integration.Client;

/// <summary>
/// The probe agent's verdicts against the kernel, from one client to another on a private network:
/// the target serves HTTP on 8080 (busybox httpd), has nothing on 8083, drops 8081 and rejects 8082
/// with ICMP admin-prohibited (its own nft input chain). The prober has no default route, as in the
/// topology, so an address outside the network is unroutable by construction. The whole matrix is
/// ONE batch, ONE docker exec; each test reads its own result.
/// </summary>
[TestFixture]
[Category("Hosts")]
public sealed class ClientProbeTests
{
    private const int HttpPort = 8080;
    private const int DroppedPort = 8081;
    private const int ProhibitedPort = 8082;
    private const int ClosedPort = 8083;
    private const int ConnectTimeoutMs = 1000;

    /// <summary>TEST-NET-1 (RFC 5737): documentation only, never routed; and the prober has no route to it anyway.</summary>
    private const string OutsideAddress = "192.0.2.1";

    private INetwork _network = null!;
    private ClientContainer _prober = null!;
    private ClientContainer _target = null!;
    private string _targetAddress = null!;
    private string _absentAddress = null!;
    private string _otherAbsentAddress = null!;
    private Dictionary<string, ProbeResult> _results = null!;
    private long _batchMs;

    [OneTimeSetUp]
    public async Task StartClientsAndRunOneBatch()
    {
        var image = await HostImages.GetAsync(ClientBuilder.Kind);
        _network = new NetworkBuilder()
            .WithName($"ctt-{Guid.NewGuid():N}")
            .WithLabel(HarnessLabels.Owner, "true")
            .WithLabel(HarnessLabels.Run, HarnessLabels.CurrentRun)
            .Build();
        await _network.CreateAsync();
        _prober = new ClientBuilder(image).WithNetwork(_network).WithHostname("prober").Build();
        _target = new ClientBuilder(image).WithNetwork(_network).WithHostname("target").Build();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(_prober.StartAsync(), _target.StartAsync());
        TestContext.Progress.WriteLine($"two clients started to ready in parallel in {clock.ElapsedMilliseconds} ms");

        await ExecCheckedAsync(_target, "mkdir -p /srv/www && echo target > /srv/www/index.html && busybox httpd -p 8080 -h /srv/www");
        await ExecCheckedAsync(_target, $$"""
            nft -f - <<'NFT'
            table inet ctt_test {
              chain input {
                type filter hook input priority filter; policy accept;
                tcp dport {{DroppedPort}} drop
                tcp dport {{ProhibitedPort}} reject with icmp type admin-prohibited
              }
            }
            NFT
            """);
        await ExecCheckedAsync(_prober, "ip route del default");
        var outside = await _prober.ExecAsync(["ip", "route", "get", OutsideAddress]);
        Assert.That(outside.ExitCode, Is.Not.Zero, "precondition: nothing may leave the prober's network");

        var (subnet, used) = await InspectNetworkAsync();
        _targetAddress = used[_target.Id];
        (_absentAddress, _otherAbsentAddress) = TwoUnusedAddresses(subnet, used.Values);

        ProbeRequest Probe(string flow, string address, int port, ProbeProtocol protocol, int timeoutMs = ConnectTimeoutMs) =>
            new(flow, "prober", "target", address, port, protocol, timeoutMs, ExchangeTimeoutMs: 2000);
        List<ProbeRequest> batch =
        [
            Probe("http-open", _targetAddress, HttpPort, ProbeProtocol.Http),
            Probe("closed", _targetAddress, ClosedPort, ProbeProtocol.Tcp),
            Probe("dropped", _targetAddress, DroppedPort, ProbeProtocol.Tcp),
            Probe("prohibited", _targetAddress, ProhibitedPort, ProbeProtocol.Smtp),
            Probe("outside", OutsideAddress, 80, ProbeProtocol.Http),
            Probe("absent-timeout-first", _absentAddress, 80, ProbeProtocol.Tcp),
            Probe("absent-arp-first", _otherAbsentAddress, 80, ProbeProtocol.Tcp, timeoutMs: 6000),
            Probe("ldap-on-http", _targetAddress, HttpPort, ProbeProtocol.Ldap),
            Probe("ssh-on-http", _targetAddress, HttpPort, ProbeProtocol.Ssh) with { Credentials = new ProbeCredentials("nobody", "pw-never-shown") },
        ];

        clock.Restart();
        var results = await _prober.RunProbesAsync(batch);
        _batchMs = clock.ElapsedMilliseconds;
        _results = results.ToDictionary(r => r.Flow);
        foreach (var result in results)
        {
            TestContext.Progress.WriteLine(ProbeJson.SerializeLine(result));
        }

        TestContext.Progress.WriteLine($"batch of {batch.Count} probes in one exec: {_batchMs} ms");
        Assert.That(results.Select(r => r.Flow), Is.EqualTo(batch.Select(p => p.Flow)), "results come back in request order");
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

        if (_network is not null)
        {
            await _network.DisposeAsync();
        }
    }

    [Test]
    public void ListeningHttpIsAllowedWithItsStatus()
    {
        var result = _results["http-open"];
        Assert.That(result.Verdict, Is.EqualTo(ProbeVerdict.Allowed), result.Detail);
        Assert.That(result.HttpStatus, Is.EqualTo(200));
        Assert.That(result.Detail, Is.EqualTo("HTTP 200 OK"));
        Assert.That(result.Marker, Does.StartWith("ctt-http-open-prober-"));
    }

    [Test]
    public void ClosedPortIsRejectedByReset()
    {
        var result = _results["closed"];
        Assert.That(result.Verdict, Is.EqualTo(ProbeVerdict.Rejected), result.Detail);
        Assert.That(result.Detail, Is.EqualTo("TCP RST (connection refused)"));
    }

    [Test]
    public void DroppedSynIsDroppedAfterTheConnectTimeout()
    {
        var result = _results["dropped"];
        Assert.That(result.Verdict, Is.EqualTo(ProbeVerdict.Dropped), result.Detail);
        Assert.That(result.Detail, Is.EqualTo($"no answer to the SYN within {ConnectTimeoutMs} ms"));
        Assert.That(result.ElapsedMs, Is.GreaterThanOrEqualTo(ConnectTimeoutMs));
    }

    [Test]
    public void IcmpAdminProhibitedIsRejectedNamingItsSender()
    {
        var result = _results["prohibited"];
        Assert.That(result.Verdict, Is.EqualTo(ProbeVerdict.Rejected), result.Detail);
        Assert.That(result.Detail, Is.EqualTo($"ICMP admin-prohibited from {_targetAddress}"));
        Assert.That(result.ElapsedMs, Is.LessThan(ConnectTimeoutMs), "an ICMP answers at once");
    }

    [Test]
    public void AddressWithoutRouteIsUnroutableAtOnce()
    {
        var result = _results["outside"];
        Assert.That(result.Verdict, Is.EqualTo(ProbeVerdict.Unroutable), result.Detail);
        Assert.That(result.Detail, Does.StartWith($"no route to {OutsideAddress} in the source's routing table"));
        Assert.That(result.ElapsedMs, Is.LessThan(ConnectTimeoutMs), "no SYN is sent, so no timeout is waited for");
    }

    /// <summary>
    /// An address on the segment that no host has: the kernel asks for its MAC address (ARP) three
    /// times a second apart, then fails the connect with EHOSTUNREACH that it generated itself. That
    /// is neither a drop nor a rejection by anyone: the harness's own topology lacks a host.
    /// </summary>
    [TestCase("absent-timeout-first", "INCOMPLETE", TestName = "Absent host is unroutable when the connect timeout comes first (ARP still unanswered)")]
    [TestCase("absent-arp-first", "FAILED", TestName = "Absent host is unroutable when ARP fails first (local EHOSTUNREACH)")]
    public void AbsentHostOnTheSegmentIsUnroutable(string flow, string arpState)
    {
        var result = _results[flow];
        var address = flow == "absent-timeout-first" ? _absentAddress : _otherAbsentAddress;
        Assert.That(result.Verdict, Is.EqualTo(ProbeVerdict.Unroutable), result.Detail);
        Assert.That(result.Detail, Does.StartWith($"next hop {address} on eth0 does not answer ARP ({arpState})"));
    }

    [Test]
    public void ProtocolLibrariesRunInTheImage()
    {
        // A wrong service behind an open port: connected, then the protocol fails. Reaching that
        // verdict needs libldap and SSH.NET to load and run inside the image.
        var ldap = _results["ldap-on-http"];
        Assert.That(ldap.Verdict, Is.EqualTo(ProbeVerdict.Broken), ldap.Detail);
        Assert.That(ldap.Detail, Does.Not.Contain("DllNotFound").And.Not.Contain("TypeInitialization"));
        var ssh = _results["ssh-on-http"];
        Assert.That(ssh.Verdict, Is.EqualTo(ProbeVerdict.Broken), ssh.Detail);
        Assert.That(ssh.Detail, Does.StartWith("ssh: ").And.Contain("identification"));
        Assert.That(ssh.Marker, Is.Null, "ssh delivers nothing a marker could name");
    }

    [Test]
    public void TheBatchRanConcurrently()
    {
        // Serially the timeouts alone (1 s + 1 s + ~3 s of ARP + 2 s of the LDAP exchange) would add up to 7 s.
        Assert.That(_batchMs, Is.LessThan(5500));
    }

    [Test]
    public async Task NoBatchFileIsLeftInTheClient()
    {
        var left = await _prober.ExecAsync(["ls", "-A", "/run/ctt"]);
        Assert.That(left.ExitCode, Is.Zero);
        Assert.That(left.Stdout.Trim(), Is.Empty, "the batch file holds credentials and must be gone");
    }

    [Test]
    public async Task ABatchWithCredentialsNeverShowsThem()
    {
        var results = await _prober.RunProbesAsync(
        [
            new ProbeRequest("scp-wrong-service", "prober", "target", _targetAddress, HttpPort, ProbeProtocol.Scp, ConnectTimeoutMs,
                Credentials: new ProbeCredentials("archiver", "Sup3r-Secret", "-----BEGIN OPENSSH PRIVATE KEY-----\nnot-a-key\n-----END OPENSSH PRIVATE KEY-----\n"),
                ExchangeTimeoutMs: 2000),
        ]);

        var line = ProbeJson.SerializeLine(results.Single());
        Assert.That(results.Single().Verdict, Is.EqualTo(ProbeVerdict.Broken), line);
        Assert.That(line, Does.Not.Contain("Sup3r-Secret").And.Not.Contain("not-a-key"));
        Assert.That(line, Does.Contain("the private key could not be read"));
    }

    private static async Task ExecCheckedAsync(ClientContainer container, string script)
    {
        var result = await container.ExecAsync(["bash", "-c", script]);
        Assert.That(result.ExitCode, Is.Zero, $"{script}: {result.Stderr}");
    }

    /// <summary>The network's subnet (chosen by Docker) and each container's address on it.</summary>
    private async Task<(IPNetwork Subnet, Dictionary<string, string> Used)> InspectNetworkAsync()
    {
        using var docker = DockerClientsForTests.Create();
        var network = await docker.Networks.InspectNetworkAsync(_network.Name);
        var subnet = IPNetwork.Parse(network.IPAM.Config.Single(c => c.Subnet.Contains('.')).Subnet);
        var used = network.Containers.ToDictionary(c => c.Key, c => c.Value.IPv4Address.Split('/')[0]);
        used["gateway"] = network.IPAM.Config.Single(c => c.Subnet.Contains('.')).Gateway;
        return (subnet, used);
    }

    /// <summary>The two highest host addresses of the subnet, which Docker (allocating from the bottom) leaves free.</summary>
    private static (string, string) TwoUnusedAddresses(IPNetwork subnet, IEnumerable<string> used)
    {
        var bytes = subnet.BaseAddress.GetAddressBytes();
        var hostBits = 32 - subnet.PrefixLength;
        var broadcast = (uint)IPAddress.NetworkToHostOrder(BitConverter.ToInt32(bytes)) | ((1u << hostBits) - 1);
        string At(uint value) => new IPAddress(BitConverter.GetBytes(IPAddress.HostToNetworkOrder((int)value))).ToString();
        var candidates = new[] { At(broadcast - 1), At(broadcast - 2) };
        Assert.That(candidates, Has.None.AnyOf(used.ToArray()), "precondition: the chosen addresses are unused");
        return (candidates[0], candidates[1]);
    }
}
