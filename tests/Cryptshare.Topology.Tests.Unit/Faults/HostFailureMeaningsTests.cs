using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Fixtures.Topology;

namespace Cryptshare.Topology.Tests.Unit.Faults;

/// <summary>What a container's condition and the engine's events about it say, in a person's words.</summary>
[TestFixture]
public sealed class HostFailureMeaningsTests
{
    private static ContainerCondition Exited(long code, bool oom = false) => new("exited", code, oom, null, null);

    private static ContainerEvent Event(string action, string? signal = null) =>
        new(action, signal is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["signal"] = signal }, DateTimeOffset.UtcNow);

    [Test]
    public void ARunningContainerHasNotFailed() =>
        Assert.That(HostFailureMeanings.Of(new ContainerCondition("running", 0, false, null, null), []), Is.Null);

    [Test]
    public void DockerKillIsNamedWithItsSignalAndExitCode()
    {
        var (what, code, meaning) = HostFailureMeanings.Of(Exited(137), [Event("kill", "9"), Event("die")])!.Value;
        Assert.That((what, code), Is.EqualTo(("killed", (int?)137)));
        Assert.That(meaning, Is.EqualTo("its container was killed: the engine sent SIGKILL (docker kill), exit code 137"));
    }

    [Test]
    public void DockerStopIsNamedAsAStop()
    {
        var (what, code, meaning) = HostFailureMeanings.Of(Exited(0), [Event("kill", "15"), Event("die"), Event("stop")])!.Value;
        Assert.That((what, code), Is.EqualTo(("exited", (int?)0)));
        Assert.That(meaning, Does.StartWith("its container was stopped (docker stop: the engine sent SIGTERM)"));
    }

    [Test]
    public void TheOomKillerIsNamedAsTheEngineReportsIt()
    {
        var (what, _, meaning) = HostFailureMeanings.Of(Exited(137, oom: true), [])!.Value;
        Assert.That(what, Is.EqualTo("oom-killed"));
        Assert.That(meaning, Does.Contain("out-of-memory killer").And.Contain("OOMKilled"));
    }

    [Test]
    public void A137WithoutTheEngineIsAKillFromElsewhere()
    {
        var (what, _, meaning) = HostFailureMeanings.Of(Exited(137), [Event("die")])!.Value;
        Assert.That(what, Is.EqualTo("killed"));
        Assert.That(meaning, Does.Contain("exit code 137 (killed by SIGKILL)").And.Contain("not by the engine"));
    }

    [TestCase(1, "exited", "it failed")]
    [TestCase(0, "exited", "it ended normally")]
    [TestCase(139, "exited", "ended by signal SIGSEGV")]
    [TestCase(143, "exited", "terminated by SIGTERM")]
    public void AnExitCodeSaysHowTheMainProcessEnded(int exitCode, string what, string says)
    {
        var meaning = HostFailureMeanings.Of(Exited(exitCode), [])!.Value;
        Assert.That(meaning.What, Is.EqualTo(what));
        Assert.That(meaning.Meaning, Does.Contain($"exit code {exitCode} ({says}"));
    }

    [Test]
    public void PausedAndRemovedAreSaidAsSuch()
    {
        Assert.That(HostFailureMeanings.Of(new ContainerCondition("paused", 0, false, null, null), [])!.Value.What, Is.EqualTo("paused"));
        var removed = HostFailureMeanings.Of(new ContainerCondition(ContainerCondition.GoneStatus, 0, false, null, null), [Event("destroy")])!.Value;
        Assert.That((removed.What, removed.ExitCode), Is.EqualTo(("removed", (int?)null)));
        Assert.That(removed.Meaning, Does.Contain("removed from the engine"));
    }

    [Test]
    public void TheReadinessLabelReadsBack()
    {
        var label = ReadinessLabel.Read(ReadinessLabel.Write(["ctt-ready", "ldap:389"], TimeSpan.FromSeconds(30)))!;
        Assert.That((label.CommandLine, label.Timeout), Is.EqualTo(("ctt-ready ldap:389", "30 s")));
        Assert.That(ReadinessLabel.Read("not json"), Is.Null);
    }
}
