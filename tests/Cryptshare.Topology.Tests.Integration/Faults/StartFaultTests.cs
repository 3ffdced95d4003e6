namespace Cryptshare.Topology.Tests.Integration.Faults;

/// <summary>
/// A host that never becomes ready when the topology starts (its container paused before its first
/// readiness check, at a fault point, once its entrypoint said it starts slapd): named with its
/// check, the time it was given and its last log lines; exit 4; nothing is left behind and no report
/// is written (nothing was measured).
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
        var outcome = await run.RunAsync("ready:ldap", (r, _) => PauseOnceStartingAsync(r.Container("ldap")), resume: true,
            "run", "--topology", FaultRun.Topology, "--rules", FaultRun.OpenRules, "--out", run.Out);

        Assert.That(outcome.Reached, Is.True, outcome.ToString());
        Assert.That(outcome.ExitCode, Is.EqualTo(4), outcome.ToString());
        var paragraph = outcome.Stderr[outcome.Stderr.IndexOf("cryptshare-topology: the topology did not start:", StringComparison.Ordinal)..];
        Assert.That(paragraph, Does.StartWith("cryptshare-topology: the topology did not start: ldap (ldap, zone intranet) never became ready: its container was paused"));
        Assert.That(paragraph, Does.Contain("its readiness check `ctt-ready`").And.Contain("it was given 30 s").And.Contain("Its last log lines:").And.Contain("ldap: starting slapd"));
        var sentence = paragraph.IndexOf("never became ready", StringComparison.Ordinal);
        var engineWords = paragraph.IndexOf("the error as raised", StringComparison.Ordinal);
        Assert.That(engineWords, Is.GreaterThan(sentence), "the engine's own words, if any, come after the sentence that says what they mean");
        Assert.That(File.Exists(outcome.ReportPath), Is.False, "nothing was measured, so no report");
        await HostFaultTests.AssertNothingLeftAsync(run);
    }

    /// <summary>Follows the container's log until its entrypoint says it starts slapd, then pauses it: slapd never gets to answer.</summary>
    private static async Task PauseOnceStartingAsync(string container)
    {
        using var client = DockerClientsForTests.Create();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var seen = new TaskCompletionSource();
        var follow = client.Containers.GetContainerLogsAsync(
            container,
            new Docker.DotNet.Models.ContainerLogsParameters { ShowStdout = true, ShowStderr = true, Follow = true },
            new Progress<string>(line =>
            {
                if (line.Contains("ldap: starting slapd", StringComparison.Ordinal))
                {
                    seen.TrySetResult();
                }
            }),
            limit.Token);
        await seen.Task.WaitAsync(limit.Token);
        await client.Containers.PauseContainerAsync(container, limit.Token);
        await limit.CancelAsync();
        try
        {
            await follow;
        }
        catch (OperationCanceledException)
        {
            // The log was followed as far as needed.
        }
    }
}
