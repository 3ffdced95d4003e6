using Cryptshare.Topology.Cli;
using Cryptshare.Topology.Fixtures.Engine;
using Microsoft.Extensions.Logging;

namespace Cryptshare.Topology.Tests.Unit.Cli;

/// <summary>The engine's log: held until a verb knows its folder, then in run.log; echoed only with --verbose.</summary>
[TestFixture]
[NonParallelizable] // installs the process-wide harness logger
public sealed class EngineLogTests
{
    [Test]
    public void LinesBeforeTheFileOpensAreHeldThenWrittenFirst()
    {
        var folder = Directory.CreateTempSubdirectory("ctt-enginelog-");
        try
        {
            using (EngineLog.Install(echo: null))
            {
                HarnessLog.Logger.LogInformation("before {What}", "open");
                Assert.That(Directory.EnumerateFiles(folder.FullName), Is.Empty, "nothing is written before a verb opens the file");
                EngineLog.Current.OpenFile(folder.FullName);
                HarnessLog.Logger.LogInformation("after open");
                EngineLog.Current.Note("hosts: 2/2");
                Assert.That(EngineLog.Current.Path, Is.EqualTo(Path.Combine(folder.FullName, EngineLog.FileName)));
            }

            var lines = File.ReadAllLines(Path.Combine(folder.FullName, EngineLog.FileName));
            Assert.That(lines, Has.Length.EqualTo(3));
            Assert.That(lines[0], Does.Match(@"^\[testcontainers\.org \d\d:\d\d:\d\d\.\d\d\] before open$"));
            Assert.That(lines[1], Does.EndWith("] after open"));
            Assert.That(lines[2], Does.StartWith("[cryptshare-topology ").And.EndWith("] hosts: 2/2"));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Test]
    public void VerboseEchoesTheEngineLinesButNotTheToolsOwnNotes()
    {
        var echo = new StringWriter();
        using (EngineLog.Install(echo))
        {
            HarnessLog.Logger.LogInformation("Start container abc");
            EngineLog.Current.Note("firewall: fail-closed");
        }

        Assert.That(echo.ToString(), Does.Contain("] Start container abc").And.Not.Contain("fail-closed"));
    }

    [Test]
    public void DisposingGivesTheHarnessItsLoggerBack()
    {
        var before = HarnessLog.Sink;
        using (EngineLog.Install(echo: null))
        {
            Assert.That(HarnessLog.Sink, Is.Not.SameAs(before));
        }

        Assert.That(HarnessLog.Sink, Is.SameAs(before));
    }
}
