using Cryptshare.Topology.Tests.Integration.Support;

namespace Cryptshare.Topology.Tests.Integration.CryptshareServer;

/// <summary>
/// The server stand-in's Kestrel program and its probe agent run as unprivileged users without any
/// capability; root keeps only the supervisor (PID 1, which started and stops the services) and
/// sshd's listener, whose privilege separation hands every connection to an unprivileged child.
/// </summary>
[TestFixture]
[Category("Hosts")]
public sealed class ServerRunsUnprivilegedTests
{
    [Test]
    public async Task KestrelRunsAsCttServerAndOnlyTheSupervisorAndSshdRemainRoot()
    {
        var processes = await ContainerProcesses.ListAsync(SharedServer.Instance);
        var listing = string.Join("\n", processes);
        var kestrel = processes.Single(p => p.CommandLine.Contains("Cryptshare.Topology.ServerStandIn.dll", StringComparison.Ordinal));
        Assert.That((kestrel.User, kestrel.HasNoCapability), Is.EqualTo(("ctt-server", true)), listing);

        var root = processes.Where(p => p.IsRoot).ToList();
        Assert.That(root.Select(p => p.Pid), Does.Contain(1), listing);
        Assert.That(root.Where(p => p.Pid != 1 && !p.CommandLine.StartsWith("sshd", StringComparison.Ordinal) && !p.CommandLine.StartsWith("/usr/sbin/sshd", StringComparison.Ordinal)),
            Is.Empty, "nothing but the supervisor and sshd's listener runs as root:\n" + listing);
    }

    [Test]
    public async Task TheProbeAgentRunsAsCttProbeWithoutCapabilities()
    {
        var agent = await ContainerProcesses.ProbeAgentAsync(SharedServer.Instance);
        Assert.That((agent.User, agent.HasNoCapability), Is.EqualTo(("ctt-probe", true)), agent.ToString());
    }
}
