using Cryptshare.Topology.Fixtures.Client;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Fixtures.Kinds;
using Cryptshare.Topology.Fixtures.Pki;
using Cryptshare.Topology.Probing;

namespace Cryptshare.Topology.Tests.Integration.Client;

/// <summary>The client image builds, starts to ready (the agent answers) and carries what a client needs.</summary>
[TestFixture]
[Category("Hosts")]
public sealed class ClientImageTests
{
    [Test]
    public async Task StartsWithTheAgentAndTheHarnessCa()
    {
        var image = await HostImages.GetAsync(ClientBuilder.Kind);
        await using var client = new ClientBuilder(image).Build();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await client.StartAsync();
        TestContext.Progress.WriteLine($"client started to ready in {clock.ElapsedMilliseconds} ms");

        Assert.That(await client.ProbeAgentVersionAsync(), Does.StartWith("ctt-probe "));
        var ca = await client.ReadFileAsync(HostPaths.CertificateAuthority);
        Assert.That(client.CertificateAuthorityPem, Is.EqualTo(HarnessPki.Shared.AuthorityPem), "the harness CA unless told otherwise");
        Assert.That(System.Text.Encoding.ASCII.GetString(ca), Is.EqualTo(client.CertificateAuthorityPem));
        var tools = await client.ExecAsync(["sh", "-c", "command -v ip curl ssh nft busybox && ls /usr/lib/x86_64-linux-gnu/libldap-2.5.so.0"]);
        Assert.That(tools.ExitCode, Is.Zero, tools.Stderr);

        // The fixed cost of a batch: copy it in, one docker exec, the agent's start. Loopback only.
        var timings = new List<long>();
        for (var run = 0; run < 3; run++)
        {
            clock.Restart();
            var results = await client.RunProbesAsync([new ProbeRequest("own-loopback", "client", "client", "127.0.0.1", 9, ProbeProtocol.Tcp, 1000)]);
            timings.Add(clock.ElapsedMilliseconds);
            Assert.That(results.Single().Verdict, Is.EqualTo(ProbeVerdict.Rejected), results.Single().Detail);
        }

        TestContext.Progress.WriteLine($"one-probe batch round trips: {string.Join(", ", timings)} ms");
    }
}
