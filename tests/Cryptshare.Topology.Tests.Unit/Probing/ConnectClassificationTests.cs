using System.Net;
using System.Net.Sockets;
using Cryptshare.Topology.Probing;

namespace Cryptshare.Topology.Tests.Unit.Probing;

/// <summary>
/// What the connect alone decides, on loopback (drops, ICMP and missing routes need containers:
/// see the client's integration tests).
/// </summary>
[TestFixture]
public sealed class ConnectClassificationTests
{
    [TestCase(ProbeProtocol.Tcp)]
    [TestCase(ProbeProtocol.Http)]
    [TestCase(ProbeProtocol.Smtp)]
    [TestCase(ProbeProtocol.Ldap)]
    public async Task ClosedPortIsRejectedByReset(ProbeProtocol protocol)
    {
        var result = await ProbeHarness.RunAsync(ProbeHarness.Loopback(protocol, ClosedPort.Find()));

        Assert.That(result.Verdict, Is.EqualTo(ProbeVerdict.Rejected), result.Detail);
        Assert.That(result.Detail, Does.Contain("TCP RST"));
        Assert.That(result.ElapsedMs, Is.LessThan(1000), "a reset answers at once, long before the connect timeout");
    }

    [Test]
    public async Task SilentListenerIsAllowedForTcp()
    {
        using var listener = SilentListener(out var port);

        var result = await ProbeHarness.RunAsync(ProbeHarness.Loopback(ProbeProtocol.Tcp, port));

        Assert.That(result.Verdict, Is.EqualTo(ProbeVerdict.Allowed), result.Detail);
        Assert.That(result.Detail, Does.StartWith("TCP connected from 127.0.0.1:"));
    }

    [TestCase(ProbeProtocol.Smtp, "smtp")]
    [TestCase(ProbeProtocol.Http, "http")]
    public async Task SilentListenerIsBrokenForAProtocolAfterTheExchangeTimeout(ProbeProtocol protocol, string name)
    {
        using var listener = SilentListener(out var port);
        var request = ProbeHarness.Loopback(protocol, port) with { ExchangeTimeoutMs = 400 };

        var result = await ProbeHarness.RunAsync(request);

        Assert.That(result.Verdict, Is.EqualTo(ProbeVerdict.Broken), result.Detail);
        Assert.That(result.Detail, Is.EqualTo($"connected, but no complete {name} exchange within 400 ms"));
        Assert.That(result.ElapsedMs, Is.InRange(400, 5000));
        Assert.That(result.Marker, Does.StartWith("ctt-test-flow-unit-test-"), "a broken delivery still names its marker");
    }

    [TestCase("not-an-address", 25, ProbeProtocol.Smtp, "is not an IP address")]
    [TestCase("127.0.0.1", 70000, ProbeProtocol.Tcp, "out of range")]
    [TestCase("127.0.0.1", 465, ProbeProtocol.Smtps, "smtps needs credentials")]
    [TestCase("127.0.0.1", 22, ProbeProtocol.Scp, "scp needs credentials")]
    public async Task InvalidRequestIsBrokenWithoutAConnect(string address, int port, ProbeProtocol protocol, string reason)
    {
        var request = ProbeHarness.Loopback(protocol, port) with { Address = address };

        var result = await ProbeHarness.RunAsync(request);

        Assert.That(result.Verdict, Is.EqualTo(ProbeVerdict.Broken));
        Assert.That(result.Detail, Does.StartWith("invalid probe request:").And.Contain(reason));
    }

    [Test]
    public async Task TlsProtocolWithoutCaIsInvalid()
    {
        var result = await ProbeHarness.RunAsync(ProbeHarness.Loopback(ProbeProtocol.Https, 443));

        Assert.That(result.Detail, Is.EqualTo("invalid probe request: https needs the batch's caPem"));
    }

    /// <summary>Accepts connections (the kernel completes the handshake from the backlog) and never says a word.</summary>
    private static TcpListener SilentListener(out int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        port = ((IPEndPoint)listener.LocalEndpoint).Port;
        return listener;
    }
}
