using Cryptshare.Topology.Fixtures.Client;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Tests.Integration.Support;

namespace Cryptshare.Topology.Tests.Integration.Client;

/// <summary>
/// Nothing in a client runs as root but what the harness runs in it by docker exec: the idle
/// process and the probe agent run as the user ctt-probe, with no capability.
/// </summary>
[TestFixture]
[Category("Hosts")]
public sealed class ClientRunsUnprivilegedTests
{
    private ClientContainer _client = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _client = new ClientBuilder(await HostImages.GetAsync(ClientBuilder.Kind)).Build();
        await _client.StartAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _client.DisposeAsync();

    [Test]
    public async Task EveryProcessOfItsOwnRunsAsCttProbeWithoutCapabilities()
    {
        var processes = await ContainerProcesses.ListAsync(_client);
        Assert.That(processes, Is.Not.Empty);
        Assert.That(processes.Where(p => p.User != "ctt-probe" || !p.HasNoCapability), Is.Empty, string.Join("\n", processes));
        Assert.That(processes.Single(p => p.Pid == 1).CommandLine, Does.StartWith("bash"), "the idle process itself");
    }

    [Test]
    public async Task TheProbeAgentRunsAsCttProbeWithoutCapabilities()
    {
        var agent = await ContainerProcesses.ProbeAgentAsync(_client);
        Assert.That((agent.User, agent.HasNoCapability), Is.EqualTo(("ctt-probe", true)), agent.ToString());
    }
}
