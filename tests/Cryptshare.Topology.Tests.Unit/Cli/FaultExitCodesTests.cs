using System.Net;
using Cryptshare.Topology.Cli;
using Cryptshare.Topology.Runs;
using Cryptshare.Topology.Runs.Live;

namespace Cryptshare.Topology.Tests.Unit.Cli;

/// <summary>The exit codes and paragraphs of a run that a host, the engine or a signal stopped.</summary>
[TestFixture]
public sealed class FaultExitCodesTests
{
    [Test]
    public void AnEngineThatStoppedAnsweringIsAHarnessFailureSaidAsSuch()
    {
        var (code, paragraph) = ExitCodes.For(new EngineFailedException("the Docker engine stopped answering at 12:00:01 UTC and does not answer now"));
        Assert.That((code, paragraph), Is.EqualTo((4, "cryptshare-topology: the Docker engine stopped answering at 12:00:01 UTC and does not answer now")));
    }

    [Test]
    public void ARawEngineRefusalComesAfterTheSentenceThatSaysWhatItIs()
    {
        var refusal = new Docker.DotNet.DockerApiException(HttpStatusCode.Conflict, "{\"message\":\"container a937 is not running\"}");
        var (code, paragraph) = ExitCodes.For(new InvalidOperationException("exec failed", refusal));
        Assert.That(code, Is.EqualTo(4));
        Assert.That(paragraph, Does.StartWith("cryptshare-topology: the harness failed: the Docker engine refused one of its requests (409 Conflict); the engine said: "));
        Assert.That(paragraph, Does.Contain("is not running"));
    }

    [Test]
    public void AnIncompleteRunExitsAsTheHarnessFailing() =>
        Assert.That(ExitCodes.For(Cryptshare.Topology.Reports.JudgementOutcome.Incomplete), Is.EqualTo(ExitCodes.HarnessFailure));

    [Test]
    public void APartialReportKeepsTheCodeOfWhatStoppedItAndSaysWhereItIs()
    {
        var (code, paragraph) = ExitCodes.For(new PartialReportException("/out/report.json", new EngineFailedException("the Docker engine stopped answering at 12:00:01 UTC")));
        Assert.That(code, Is.EqualTo(4));
        Assert.That(paragraph, Does.EndWith("; what was done before is in /out/report.json, marked incomplete"));
    }

    [Test]
    public void SignalsHaveTheirShellExitCodes() =>
        Assert.That((ExitCodes.Interrupted, ExitCodes.Terminated), Is.EqualTo((130, 143)));
}
