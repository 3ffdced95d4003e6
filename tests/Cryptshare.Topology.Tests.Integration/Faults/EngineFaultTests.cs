using Cryptshare.Topology.Tests.Integration.Cli;

namespace Cryptshare.Topology.Tests.Integration.Faults;

/// <summary>
/// The Docker engine stops, or restarts, mid-matrix: the run says so ("the Docker engine stopped
/// answering at …"), writes the reports with the first repetition, exits 4, and `clean` afterwards
/// leaves nothing. In a second engine (<see cref="SecondEngine"/>): the suite's own engine is
/// shared, and restarting it would take everything else running on it down too.
/// </summary>
[TestFixture]
[Category("Faults")]
[NonParallelizable] // its second engine is the machine's heaviest container; one fault at a time
public sealed class EngineFaultTests
{
    private static readonly string Topology = Path.Combine(FaultRun.Folder, "engine-topology.yml");

    private SecondEngine _engine = null!;

    [OneTimeSetUp]
    public async Task StartTheSecondEngine()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        _engine = await SecondEngine.StartAsync(["firewall", "dotnet-runtime", "cryptshare-server", "ldap"], limit.Token);
    }

    [OneTimeTearDown]
    public async Task RemoveTheSecondEngine() => await _engine.DisposeAsync();

    [Test]
    public async Task AnEngineRestartedMidRunIsNamedAndItsRunLeavesNothing()
    {
        await using var run = new FaultRun { Environment = { ["DOCKER_HOST"] = _engine.DockerHost } };
        var outcome = await RunAsync(run, async () =>
        {
            await _engine.StopEngineAsync(CancellationToken.None);
            await _engine.StartEngineAsync(CancellationToken.None);
        });

        Assert.That(outcome.Stderr, Does.Match(@"cryptshare-topology: the Docker engine stopped answering at \d\d:\d\d:\d\d UTC and answers again now: it restarted"));
        AssertPartialReport(outcome);
        Assert.That(await _engine.LeftoversAsync(run.RunId), Is.Empty, "the run removed what it started once the engine was back");
        await AssertCleanLeavesNothingAsync(run);
    }

    [Test]
    public async Task AnEngineThatStopsMidRunIsNamedAndCleanRemovesEverythingOnceItIsBack()
    {
        await using var run = new FaultRun { Environment = { ["DOCKER_HOST"] = _engine.DockerHost } };
        var outcome = await RunAsync(run, () => _engine.StopEngineAsync(CancellationToken.None));

        Assert.That(outcome.Stderr, Does.Match(@"cryptshare-topology: the Docker engine stopped answering at \d\d:\d\d:\d\d UTC and does not answer now"));
        Assert.That(outcome.Stdout, Does.Contain($"could not be removed: the Docker engine does not answer. Once it answers: cryptshare-topology clean --run {run.RunId}"));
        AssertPartialReport(outcome);

        await _engine.StartEngineAsync(CancellationToken.None);
        Assert.That(await _engine.LeftoversAsync(run.RunId), Is.Not.Empty, "the stopped engine kept the run's containers");
        await AssertCleanLeavesNothingAsync(run);
    }

    private static Task<FaultRun.Outcome> RunAsync(FaultRun run, Func<Task> fault) =>
        run.RunAsync("rule-set:2:faults-open", (_, _) => fault(), resume: true,
            "run", "--topology", Topology, "--rules", FaultRun.OpenRules, "--repeat", "2", "--out", run.Out);

    private static void AssertPartialReport(FaultRun.Outcome outcome)
    {
        Assert.That(outcome.Reached, Is.True, outcome.ToString());
        Assert.That(outcome.ExitCode, Is.EqualTo(4), outcome.ToString());
        Assert.That(outcome.Output, Does.Not.Contain("Docker API responded"), "no raw engine message");
        var report = outcome.Report();
        var incomplete = report.GetProperty("incomplete");
        Assert.That(incomplete.GetProperty("cause").GetString(), Is.EqualTo("engine-failed"));
        Assert.That(incomplete.GetProperty("reason").GetString(), Does.Contain("The run stopped in repetition 2, rule set faults-open: the Docker engine stopped answering at"));
        Assert.That(incomplete.GetProperty("repetitionsDone").GetInt32(), Is.EqualTo(1));
        var flows = report.GetProperty("ruleSets").EnumerateArray().Single().GetProperty("flows").EnumerateArray().ToList();
        Assert.That(flows.Select(f => f.GetProperty("id").GetString()), Is.EquivalentTo(new[] { "ldap", "ldaps", "global-catalog" }), "repetition 1, measured before the fault");
        Assert.That(flows.Select(f => f.GetProperty("observed").GetString()), Is.All.EqualTo("allowed"));
    }

    /// <summary>`clean --run ID` on the second engine: exit 0, and nothing of the run is left there; nothing in TMPDIR either.</summary>
    private async Task AssertCleanLeavesNothingAsync(FaultRun run)
    {
        var clean = await ToolProcess.RunAsync(ToolProcess.NewRunId(), TimeSpan.FromMinutes(2), new Dictionary<string, string> { ["DOCKER_HOST"] = _engine.DockerHost, ["TMPDIR"] = run.Tmp }, null,
            ["clean", "--run", run.RunId]);
        Assert.That(clean.ExitCode, Is.Zero, clean.ToString());
        Assert.That(await _engine.LeftoversAsync(run.RunId), Is.Empty, "clean removed everything");
        Assert.That(run.TmpLeft(), Is.Empty, "nothing left in TMPDIR");
    }
}
