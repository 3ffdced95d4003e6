using System.Collections.Concurrent;
using System.Diagnostics;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Fixtures.SmtpRelay;

namespace Cryptshare.Topology.Tests.Integration.SmtpRelay;

/// <summary>
/// One relay per mode for every fixture of this namespace: a relay is a .NET server that costs a few
/// CPU seconds to start, and the tests tell their messages apart by unique subjects, so sharing is
/// safe. NUnit runs this teardown after the last fixture of the namespace, which removes them.
/// </summary>
[SetUpFixture]
public sealed class SharedRelays
{
    private static readonly ConcurrentDictionary<SmtpRelayMode, Lazy<Task<SmtpRelayContainer>>> Relays = new();

    public static Task<SmtpRelayContainer> GetAsync(SmtpRelayMode mode) =>
        Relays.GetOrAdd(mode, m => new Lazy<Task<SmtpRelayContainer>>(() => StartAsync(m))).Value;

    [OneTimeTearDown]
    public async Task RemoveRelays()
    {
        foreach (var relay in Relays.Values.Where(r => r.IsValueCreated))
        {
            try
            {
                await (await relay.Value).DisposeAsync();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // It failed to start: its own fixture reported that, and the janitor removes the rest.
            }
        }

        Relays.Clear();
    }

    private static async Task<SmtpRelayContainer> StartAsync(SmtpRelayMode mode)
    {
        var image = await HostImages.GetAsync(SmtpRelayBuilder.Kind);
        var relay = new SmtpRelayBuilder(image).WithMode(mode).Build();
        var started = Stopwatch.StartNew();
        await relay.StartAsync();
        TestContext.Progress.WriteLine($"smtp-relay ({mode}, port {relay.SmtpPort}) ready in {started.Elapsed.TotalSeconds:F2} s (image cached)");
        return relay;
    }
}
