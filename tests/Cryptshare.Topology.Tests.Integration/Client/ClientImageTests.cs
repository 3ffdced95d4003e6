using Cryptshare.Topology.Fixtures.Client;
using Cryptshare.Topology.Fixtures.Engine;

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
        var ca = await client.ReadFileAsync(ClientBuilder.CertificateAuthorityPath);
        Assert.That(System.Text.Encoding.ASCII.GetString(ca), Is.EqualTo(client.CertificateAuthorityPem));
        var tools = await client.ExecAsync(["sh", "-c", "command -v ip curl ssh nft busybox && ls /usr/lib/x86_64-linux-gnu/libldap-2.5.so.0"]);
        Assert.That(tools.ExitCode, Is.Zero, tools.Stderr);
    }
}
