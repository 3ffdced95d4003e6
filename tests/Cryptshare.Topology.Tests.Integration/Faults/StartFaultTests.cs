namespace Cryptshare.Topology.Tests.Integration.Faults;

/// <summary>
/// A host that never becomes ready when the topology starts (its container paused before its first
/// readiness check, at a fault point): named with its check, the time it was given and its last log
/// lines; exit 4; nothing is left behind and no report is written (nothing was measured).
/// </summary>
[TestFixture]
[Category("Faults")]
[NonParallelizable] // the faults topology's subnets (10.91.2–3.0/24): one run at a time
public sealed class StartFaultTests
{
    [Test]
    public async Task AHostThatNeverBecomesReadyIsNamedWithItsCheckItsTimeAndItsLog()
    {
        await using var run = new FaultRun();
        var outcome = await run.RunAsync("ready:ldap", (r, _) => DockerPauseAsync(r.Container("ldap")), resume: true,
            "run", "--topology", FaultRun.Topology, "--rules", FaultRun.OpenRules, "--out", run.Out);

        Assert.That(outcome.Reached, Is.True, outcome.ToString());
        Assert.That(outcome.ExitCode, Is.EqualTo(4), outcome.ToString());
        var paragraph = outcome.Stderr[outcome.Stderr.IndexOf("cryptshare-topology: the topology did not start:", StringComparison.Ordinal)..];
        Assert.That(paragraph, Does.StartWith("cryptshare-topology: the topology did not start: ldap (ldap, zone intranet) never became ready: its container was paused"));
        Assert.That(paragraph, Does.Contain("its readiness check `ctt-ready`").And.Contain("it was given 30 s").And.Contain("Its last log lines:").And.Contain("slapd"));
        var sentence = paragraph.IndexOf("never became ready", StringComparison.Ordinal);
        var engineWords = paragraph.IndexOf("what the engine said", StringComparison.Ordinal);
        Assert.That(engineWords, Is.GreaterThan(sentence), "the engine's own words, if any, come after the sentence that says what they mean");
        Assert.That(File.Exists(outcome.ReportPath), Is.False, "nothing was measured, so no report");
        await HostFaultTests.AssertNothingLeftAsync(run);
    }

    private static async Task DockerPauseAsync(string container)
    {
        using var client = DockerClientsForTests.Create();
        await client.Containers.PauseContainerAsync(container);
    }
}
