using Cryptshare.Topology.Fixtures.Progress;

namespace Cryptshare.Topology.Tests.Unit.Live;

/// <summary>The typed progress a pipeline reports: counts from many threads, one finish, a log line per phase.</summary>
[TestFixture]
public sealed class PhaseTrackerTests
{
    private sealed class Recorder : IProgress<PhaseProgress>
    {
        public List<PhaseProgress> Reports { get; } = [];

        public void Report(PhaseProgress value)
        {
            lock (Reports)
            {
                Reports.Add(value);
            }
        }
    }

    [Test]
    public async Task StepsFromManyThreadsAreAllCountedAndTheFinishIsReportedOnce()
    {
        var recorder = new Recorder();
        var phase = PhaseTracker.Start(recorder, Phase.Hosts, "hosts", 40, "starting");
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() => phase.Step($"host {i}"))));
        phase.Finish("40 up");
        phase.Step("late");

        Assert.That(phase.Done, Is.EqualTo(40));
        Assert.That(recorder.Reports, Has.Count.EqualTo(42), "start, 40 steps, finish; nothing after the finish");
        Assert.That(recorder.Reports.Count(r => r.Finished), Is.EqualTo(1));
        Assert.That(recorder.Reports[^1], Has.Property(nameof(PhaseProgress.Note)).EqualTo("40 up").And.Property(nameof(PhaseProgress.Done)).EqualTo(40));
    }

    [Test]
    public void ABatchStepCountsItsSizeAndNeverPassesTheTotal()
    {
        var recorder = new Recorder();
        var phase = PhaseTracker.Start(recorder, Phase.RuleSet, "01-documented", 26);
        phase.Step(steps: 20);
        phase.Step(steps: 20);
        Assert.That(recorder.Reports.Select(r => r.Done), Is.EqualTo(new[] { 0, 20, 26 }));
    }

    [TestCase(11, 11, "11 kinds up", true, "hosts: 11/11, 11 kinds up (1.5 s)")]
    [TestCase(1, 1, "fail-closed", true, "hosts: fail-closed (1.5 s)")]
    [TestCase(3, 26, "probing", false, "hosts: 3/26, probing")]
    [TestCase(0, 1, null, false, "hosts: 0/1")]
    public void AsALogLine(int done, int total, string? note, bool finished, string line) =>
        Assert.That(new PhaseProgress(Phase.Hosts, "hosts", done, total, note, finished, TimeSpan.FromMilliseconds(1500)).ToString(), Is.EqualTo(line));

    [Test]
    public void APhaseOfOneOfSeveralTopologiesSaysWhichOne() =>
        Assert.That(
            (new PhaseProgress(Phase.Routing, "routing", 1, 1, "proven: 12 control checks", true, TimeSpan.FromMilliseconds(1500)) with { Topology = "topology 2/3" }).ToString(),
            Is.EqualTo("[topology 2/3] routing: proven: 12 control checks (1.5 s)"));

    [Test]
    public void ANoticeIsItsTextAlone()
    {
        var notice = PhaseProgress.Notice("host failed: ldap (ldap, zone intranet) …");
        Assert.That(notice.Finished, Is.True, "a line-per-phase display shows it at once");
        Assert.That(notice.ToString(), Is.EqualTo("host failed: ldap (ldap, zone intranet) …"));
        Assert.That((notice with { Topology = "topology 1/2" }).ToString(), Is.EqualTo("[topology 1/2] host failed: ldap (ldap, zone intranet) …"));
    }

    [Test]
    public void WithoutAListenerItOnlyCounts()
    {
        var phase = PhaseTracker.Start(null, Phase.Images, "images", 2);
        phase.Step();
        phase.Finish();
        Assert.That(phase.Done, Is.EqualTo(2));
    }
}
