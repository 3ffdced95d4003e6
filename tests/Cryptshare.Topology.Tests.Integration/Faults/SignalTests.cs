using Cryptshare.Topology.Fixtures.Firewall;

namespace Cryptshare.Topology.Tests.Integration.Faults;

/// <summary>
/// SIGINT (Ctrl+C) and SIGTERM to the tool during <c>run</c> and during <c>analyze</c>, sent while it
/// waits at a fault point: it names the signal, exits 130 or 143, writes what it had measured
/// (marked incomplete), ends the processes it started and leaves nothing on the engine or in TMPDIR.
/// </summary>
[TestFixture]
[Category("Faults")]
[NonParallelizable] // the faults topology's subnets (10.91.2–3.0/24): one run at a time
public sealed class SignalTests
{
    [TestCase("INT", 130)]
    [TestCase("TERM", 143)]
    public async Task ASignalDuringRunKeepsTheFirstRepetitionAndRemovesTheTopology(string signal, int exitCode)
    {
        await using var run = new FaultRun();
        var outcome = await run.RunRepeatedAsync((_, tool) => FaultRun.SignalAsync(tool.Id, signal), resume: false);

        Assert.That(outcome.Reached, Is.True, outcome.ToString());
        Assert.That(outcome.ExitCode, Is.EqualTo(exitCode), outcome.ToString());
        Assert.That(outcome.Stderr, Does.Contain($"cryptshare-topology: interrupted by SIG{signal}"));
        var report = outcome.Report();
        var incomplete = report.GetProperty("incomplete");
        Assert.That(incomplete.GetProperty("cause").GetString(), Is.EqualTo("interrupted"));
        Assert.That(incomplete.GetProperty("reason").GetString(), Does.Contain($"SIG{signal}").And.Contain("repetition 2"));
        Assert.That((incomplete.GetProperty("repetitionsDone").GetInt32(), incomplete.GetProperty("repetitionsAsked").GetInt32()), Is.EqualTo((1, 2)));
        var flows = report.GetProperty("ruleSets").EnumerateArray().Single().GetProperty("flows").EnumerateArray().ToList();
        Assert.That(flows, Has.Count.EqualTo(7), "repetition 1, measured before the signal");
        Assert.That(flows.Select(f => f.GetProperty("observed").GetString()), Is.All.EqualTo("allowed"));
        Assert.That(File.Exists(Path.Combine(run.Out, "junit.xml")) && File.Exists(Path.Combine(run.Out, "report.html")), Is.True, "every report");
        await HostFaultTests.AssertNothingLeftAsync(run);
    }

    /// <summary>
    /// analyze of two rule sets, stopped while the second is being parsed: the first is in
    /// report.json, the second is named as not run; nft's sandbox (where this machine parses with
    /// its own nft) or the parser's container is gone.
    /// </summary>
    [TestCase("INT", 130)]
    [TestCase("TERM", 143)]
    public async Task ASignalDuringAnalyzeKeepsTheRuleSetsParsedAndEndsTheParser(string signal, int exitCode)
    {
        await using var run = new FaultRun();
        var children = new List<int>();
        var outcome = await run.RunAsync("parse:faults-no-gc", async (_, tool) =>
            {
                children.AddRange(ChildrenOf(tool.Id));
                await FaultRun.SignalAsync(tool.Id, signal);
            },
            resume: false,
            "analyze", "--topology", FaultRun.Topology, "--rules", FaultRun.OpenRules, FaultRun.NoGcRules, "--out", run.Out);

        Assert.That(outcome.Reached, Is.True, outcome.ToString());
        Assert.That(outcome.ExitCode, Is.EqualTo(exitCode), outcome.ToString());
        Assert.That(outcome.Stderr, Does.Contain($"cryptshare-topology: interrupted by SIG{signal}").And.Contain("marked incomplete"));
        var report = outcome.Report();
        Assert.That(report.GetProperty("kind").GetString(), Is.EqualTo("static"));
        var incomplete = report.GetProperty("incomplete");
        Assert.That(incomplete.GetProperty("cause").GetString(), Is.EqualTo("interrupted"));
        Assert.That(incomplete.GetProperty("ruleSetsNotRun").EnumerateArray().Select(r => r.GetString()), Is.EqualTo(new[] { "faults-no-gc" }));
        var ruleSets = report.GetProperty("ruleSets").EnumerateArray().ToList();
        Assert.That(ruleSets.Select(r => r.GetProperty("name").GetString()), Is.EqualTo(new[] { "faults-open" }));
        Assert.That(ruleSets[0].GetProperty("flows").GetArrayLength(), Is.EqualTo(7));
        if (NftRuleSetParser.NamespaceAvailable)
        {
            Assert.That(children, Is.Not.Empty, "nft's sandbox ran when the signal came");
        }

        Assert.That(children.Where(pid => Directory.Exists($"/proc/{pid}")), Is.Empty, "no process the tool started outlives it");
        await HostFaultTests.AssertNothingLeftAsync(run);
    }

    /// <summary>The processes whose parent is <paramref name="pid"/>, from /proc.</summary>
    private static IEnumerable<int> ChildrenOf(int pid) =>
        Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(name => name!.All(char.IsAsciiDigit))
            .Select(name => (Pid: int.Parse(name!, System.Globalization.CultureInfo.InvariantCulture), Stat: ReadStat(name!)))
            .Where(p => p.Stat is { } stat && ParentOf(stat) == pid)
            .Select(p => p.Pid)
            .ToList();

    private static string? ReadStat(string pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>The fourth field of /proc/PID/stat, after the command in parentheses (which may hold spaces).</summary>
    private static int ParentOf(string stat) =>
        int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
}
