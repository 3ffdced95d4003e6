using System.Diagnostics;
using System.Text.Json;
using Cryptshare.Topology.Fixtures.Engine;

namespace Cryptshare.Topology.Tests.Integration.Faults;

/// <summary>
/// A host of the faults topology breaks mid-matrix (after the first of two repetitions, at the fault
/// point before the second): the run names the host (name, kind, zone) and what happened, its flows
/// of that repetition are host-failed, the others are measured, the reports keep repetition 1 and are
/// marked incomplete, and nothing is left behind. A stopped (SIGSTOP) service is not a failed host:
/// its flows stay broken and flaky, as before.
/// </summary>
[TestFixture]
[Category("Faults")]
[NonParallelizable] // the faults topology's subnets (10.91.2–3.0/24): one run at a time
public sealed class HostFaultTests
{
    [Test]
    public async Task DockerKillOfTheDirectoryIsNamedWithExitCode137AndItsFlowsAreNotFlaky()
    {
        await using var run = new FaultRun();
        var outcome = await run.RunRepeatedAsync((r, _) => DockerAsync("kill", r.Container("ldap")));
        var failure = await AssertHostFailedAsync(run, outcome, "ldap (ldap, zone intranet)", "killed");
        Assert.That(failure.GetProperty("exitCode").GetInt32(), Is.EqualTo(137));
        Assert.That(failure.GetProperty("meaning").GetString(), Does.Contain("docker kill"));
        var flows = FlowsOfRepetition2(outcome);
        Assert.That(flows.Where(f => f.To == "ldap").Select(f => f.Observed), Is.All.EqualTo("host-failed"), "its flows in repetition 2");
        Assert.That(flows.Where(f => f.To != "ldap").Select(f => f.Observed), Is.All.EqualTo("tested"), "the other hosts' flows went on");
    }

    [Test]
    public async Task DockerStopOfTheDirectoryIsNamedAsStopped()
    {
        await using var run = new FaultRun();
        var outcome = await run.RunRepeatedAsync((r, _) => DockerAsync("stop", r.Container("ldap")));
        var failure = await AssertHostFailedAsync(run, outcome, "ldap (ldap, zone intranet)", "exited");
        Assert.That(failure.GetProperty("meaning").GetString(), Does.Contain("docker stop"));
        Assert.That(failure.GetProperty("exitCode").ValueKind, Is.EqualTo(JsonValueKind.Number));
    }

    [Test]
    public async Task DockerPauseOfTheDirectoryIsNamedAsPaused()
    {
        await using var run = new FaultRun();
        var outcome = await run.RunRepeatedAsync((r, _) => DockerAsync("pause", r.Container("ldap")));
        var failure = await AssertHostFailedAsync(run, outcome, "ldap (ldap, zone intranet)", "paused");
        Assert.That(failure.GetProperty("meaning").GetString(), Does.Contain("docker pause"));
    }

    [Test]
    public async Task DockerKillOfAProbeSourceIsNamedAndItsFlowsAreNotTested()
    {
        await using var run = new FaultRun();
        var outcome = await run.RunRepeatedAsync((r, _) => DockerAsync("kill", r.Container("intranet-client")));
        await AssertHostFailedAsync(run, outcome, "intranet-client (client, zone intranet)", "killed");
        var flows = FlowsOfRepetition2(outcome);
        Assert.That(flows.Where(f => f.From == "intranet").Select(f => f.Observed), Is.All.EqualTo("host-failed"), "the flows it probes");
        Assert.That(flows.Where(f => f.From == "dmz").Select(f => f.Observed), Is.All.EqualTo("tested"), "the server's own flows went on");
    }

    /// <summary>slapd is the directory container's main process: stopped from the Docker host (SIGTERM), the container ends with it.</summary>
    [Test]
    public async Task TheDirectoryServiceStoppedFromTheHostIsNamed()
    {
        await using var run = new FaultRun();
        var outcome = await run.RunRepeatedAsync(async (r, _) => await FaultRun.SignalAsync(await r.HostPidAsync("ldap"), "TERM"));
        var failure = await AssertHostFailedAsync(run, outcome, "ldap (ldap, zone intranet)", "exited");
        Assert.That(failure.GetProperty("meaning").GetString(), Does.Contain("exit code"));
    }

    /// <summary>
    /// The server's web listener refuses connections while its container runs (a rule in the
    /// server's own kernel, set from the host): the refusal looks exactly like a firewall's reject,
    /// and the readiness check, asked again, tells them apart.
    /// </summary>
    [Test]
    public async Task AServiceThatStopsAnsweringItsReadinessCheckIsNamedNotReportedAsRejected()
    {
        await using var run = new FaultRun();
        var outcome = await run.RunRepeatedAsync((r, _) => DockerAsync("exec", r.Container("cryptshare"), "nft", "-f", "-",
            input: "table inet ctt_fault {\n chain input {\n  type filter hook input priority -400; policy accept;\n  tcp dport 80 reject with tcp reset\n }\n}\n"));
        var failure = await AssertHostFailedAsync(run, outcome, "cryptshare (cryptshare-server, zone dmz)", "not-answering");
        Assert.That(failure.GetProperty("meaning").GetString(), Does.Contain("readiness check `ctt-ready`").And.Contain("container still runs"));
        Assert.That(FlowsOfRepetition2(outcome).Select(f => f.Observed), Is.All.EqualTo("host-failed"), "every flow of the faults topology has the server at one end");
    }

    /// <summary>
    /// The behaviour to keep: slapd stopped with SIGSTOP (its container up, its kernel answering):
    /// the directory's flows are broken in repetition 2, the run reports them as flaky and exits 1.
    /// The hang is said, but it is no host failure and the report is complete.
    /// </summary>
    [Test]
    public async Task AServiceStoppedWithSigstopStaysBrokenAndFlaky()
    {
        await using var run = new FaultRun();
        var outcome = await run.RunRepeatedAsync(async (r, _) => await FaultRun.SignalAsync(await r.HostPidAsync("ldap"), "STOP"));
        Assert.That(outcome.ExitCode, Is.EqualTo(1), outcome.ToString());
        Assert.That(outcome.Stdout, Does.Contain("ldap: its readiness check `ctt-ready` did not finish within 5 s: its service hangs"));
        var report = outcome.Report();
        Assert.That(report.TryGetProperty("incomplete", out _), Is.False, "no host failed");
        var flaky = report.GetProperty("flaky").GetProperty("flows").EnumerateArray()
            .ToDictionary(f => f.GetProperty("id").GetString()!, f => f.GetProperty("counts").EnumerateArray().ToDictionary(c => c.GetProperty("verdict").GetString()!, c => c.GetProperty("count").GetInt32()));
        Assert.That(flaky.Keys, Is.EquivalentTo(new[] { "ldap", "ldaps", "global-catalog" }));
        Assert.That(flaky.Values, Is.All.EqualTo(new Dictionary<string, int> { ["allowed"] = 1, ["broken"] = 1 }));
        await AssertNothingLeftAsync(run);
    }

    /// <summary>What every host failure must show; returns the one host failure of the report.</summary>
    private static async Task<JsonElement> AssertHostFailedAsync(FaultRun run, FaultRun.Outcome outcome, string host, string what)
    {
        Assert.That(outcome.Reached, Is.True, outcome.ToString());
        Assert.That(outcome.ExitCode, Is.EqualTo(4), outcome.ToString());
        Assert.That(outcome.Stderr, Does.Contain($"the run is incomplete: {host} failed in repetition 2, rule set faults-open"));
        Assert.That(outcome.Output, Does.Not.Contain("Docker API responded"), "no raw engine message");
        var report = outcome.Report();
        var incomplete = report.GetProperty("incomplete");
        Assert.That(incomplete.GetProperty("cause").GetString(), Is.EqualTo("host-failed"));
        Assert.That(incomplete.GetProperty("repetitionsDone").GetInt32(), Is.EqualTo(2), "the run went on without the host");
        var failure = incomplete.GetProperty("hostFailures").EnumerateArray().Single();
        Assert.That($"{failure.GetProperty("host").GetString()} ({failure.GetProperty("kind").GetString()}, zone {failure.GetProperty("zone").GetString()})", Is.EqualTo(host));
        Assert.That(failure.GetProperty("what").GetString(), Is.EqualTo(what));
        Assert.That(failure.GetProperty("lastLog").GetArrayLength(), Is.GreaterThan(0), "its last log lines");
        var measured = report.GetProperty("ruleSets").EnumerateArray().Single().GetProperty("flows").EnumerateArray().ToList();
        Assert.That(measured, Has.Count.EqualTo(7), "repetition 1, measured before the fault");
        Assert.That(measured.Select(f => f.GetProperty("observed").GetString()), Is.All.EqualTo("allowed"));
        Assert.That(report.GetProperty("flaky").GetProperty("flows").GetArrayLength(), Is.Zero, "a dead host is reported, never as flaky flows");
        Assert.That(report.GetProperty("allMatched").GetBoolean(), Is.False, "a partial report is never all matched");
        var junit = await File.ReadAllTextAsync(Path.Combine(run.Out, "junit.xml"));
        Assert.That(junit, Does.Contain("<testsuite name=\"run\"").And.Contain("type=\"host-failed\""));
        var html = await File.ReadAllTextAsync(Path.Combine(run.Out, "report.html"));
        Assert.That(html, Does.Contain($"data-host=\"{host.Split(' ')[0]}\""));
        await AssertNothingLeftAsync(run);
        return failure;
    }

    internal static async Task AssertNothingLeftAsync(FaultRun run)
    {
        var leftovers = await HarnessJanitor.FindAsync(run.RunId);
        Assert.That(leftovers.IsEmpty, Is.True, $"nothing of the run left on the engine: {leftovers}");
        Assert.That(run.TmpLeft(), Is.Empty, "nothing left in TMPDIR");
    }

    /// <summary>The flows of the faults topology (repetition 2, as planned) with what the report says of each: host-failed when the incomplete section lists it, else tested.</summary>
    private static IReadOnlyList<(string From, string To, string Observed)> FlowsOfRepetition2(FaultRun.Outcome outcome)
    {
        var report = outcome.Report();
        var notTested = report.GetProperty("incomplete").GetProperty("notTested").EnumerateArray()
            .Where(f => f.GetProperty("repetition").GetInt32() == 2)
            .Select(f => (f.GetProperty("id").GetString(), f.GetProperty("from").GetString()))
            .ToHashSet();
        Assert.That(report.GetProperty("incomplete").GetProperty("notTested").EnumerateArray().Select(f => f.GetProperty("repetition").GetInt32()), Is.All.EqualTo(2),
            "nothing of repetition 1 is listed as not tested");
        return report.GetProperty("ruleSets").EnumerateArray().Single().GetProperty("flows").EnumerateArray()
            .Select(f => (Id: f.GetProperty("id").GetString(), From: f.GetProperty("from").GetString()!, To: f.GetProperty("to").GetString()!))
            .Select(f => (f.From, f.To, notTested.Contains((f.Id, f.From)) ? "host-failed" : "tested"))
            .ToList();
    }

    private static async Task DockerAsync(string verb, string container, params string[] more) => await DockerAsync(verb, container, more, null);

    private static async Task DockerAsync(string verb, string container, string a, string b, string c, string input) => await DockerAsync(verb, container, [a, b, c], input);

    private static async Task DockerAsync(string verb, string container, string[] more, string? input)
    {
        var start = new ProcessStartInfo("docker") { RedirectStandardInput = input is not null, RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(verb);
        if (input is not null)
        {
            start.ArgumentList.Add("-i");
        }

        start.ArgumentList.Add(container);
        foreach (var word in more)
        {
            start.ArgumentList.Add(word);
        }

        using var docker = Process.Start(start)!;
        if (input is not null)
        {
            await docker.StandardInput.WriteAsync(input);
            docker.StandardInput.Close();
        }

        var stderr = docker.StandardError.ReadToEndAsync();
        await docker.StandardOutput.ReadToEndAsync();
        await docker.WaitForExitAsync();
        Assert.That(docker.ExitCode, Is.Zero, $"docker {verb} {container}: {await stderr}");
    }
}
