using System.Diagnostics;
using Cryptshare.Topology.Fixtures.CryptshareServer;
using Cryptshare.Topology.Fixtures.Engine;

namespace Cryptshare.Topology.Tests.Integration.CryptshareServer;

/// <summary>
/// One server stand-in with the builder's defaults for the fixtures of this namespace that only
/// talk to it (cookies, TLS, SSH, Outlook headers): one container start instead of one per fixture,
/// on a machine where every parallel start slows the others. Tests that change the server (host
/// firewall) or need other settings start their own.
/// </summary>
[SetUpFixture]
public sealed class SharedServer
{
    private static CryptshareServerContainer? _instance;

    public static CryptshareServerContainer Instance =>
        _instance ?? throw new InvalidOperationException("the shared server is started by the namespace's set-up fixture");

    /// <summary>From StartAsync to ready, the image already built and cached.</summary>
    public static TimeSpan StartDuration { get; private set; }

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        var image = await HostImages.GetAsync(CryptshareServerBuilder.Kind);
        var server = new CryptshareServerBuilder(image).Build();
        _instance = server;
        var clock = Stopwatch.StartNew();
        await server.StartAsync();
        StartDuration = clock.Elapsed;
        TestContext.Progress.WriteLine($"cryptshare-server (shared): started and ready in {StartDuration.TotalSeconds:F2} s (cached image)");
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_instance is not null)
        {
            await _instance.DisposeAsync();
        }
    }
}
