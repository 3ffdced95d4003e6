using System.Diagnostics;
using Cryptshare.Topology.Probing;

namespace Cryptshare.Topology.Tests.Unit.Probing;

/// <summary>The agent as the containers run it: a process reading a batch on stdin and printing JSON lines.</summary>
[TestFixture]
public sealed class ProbeAgentProcessTests
{
    private static readonly string Agent = Path.Combine(AppContext.BaseDirectory, "ctt-probe.dll");

    [Test]
    public async Task AnswersVersion()
    {
        var (exit, stdout, _) = await RunAsync("", "--version");

        Assert.That(exit, Is.Zero);
        Assert.That(stdout, Does.StartWith("ctt-probe "));
    }

    [Test]
    public async Task PrintsOneLinePerProbe()
    {
        var closed = ClosedPort.Find();
        var batch = new ProbeBatch(
        [
            ProbeHarness.Loopback(ProbeProtocol.Tcp, closed, "first"),
            ProbeHarness.Loopback(ProbeProtocol.Http, closed, "second") with { Credentials = new ProbeCredentials("u", "never-printed") },
        ]);

        var (exit, stdout, stderr) = await RunAsync(ProbeJson.Serialize(batch));

        Assert.That(exit, Is.Zero, stderr);
        var results = ProbeJson.ParseResults(stdout);
        Assert.That(results.Select(r => r.Flow), Is.EquivalentTo(new[] { "first", "second" }));
        Assert.That(results.Select(r => r.Verdict), Is.All.EqualTo(ProbeVerdict.Rejected));
        Assert.That(stdout, Does.Not.Contain("never-printed"));
    }

    [Test]
    public async Task RefusesABadBatchWithExitCode2()
    {
        var (exit, stdout, stderr) = await RunAsync("""{ "probes": [ { "flow": "f" } ] }""");

        Assert.That(exit, Is.EqualTo(2));
        Assert.That(stdout, Is.Empty);
        Assert.That(stderr, Does.StartWith("ctt-probe: the input is not a valid probe batch"));
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string stdin, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Agent);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
