using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Fixtures.Progress;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.Reports;
using Cryptshare.Topology.Runs;
using Cryptshare.Topology.Runs.Live;
using Cryptshare.Topology.Tests.Integration.Cli;
using Cryptshare.Topology.Tests.Integration.Flows;

namespace Cryptshare.Topology.Tests.Integration.Scale;

/// <summary>
/// A person's topology left up (`up`, as a process) and a test run of the same address plan at the
/// same time on the same engine: the Flows category's first rule set through the run pipeline, as
/// `run` takes it, all green; the topology that was up is untouched by it, and `down` removes it.
/// Before topologies had engine-side networks of their own, the second one died with Docker's "Pool overlaps".
/// </summary>
[TestFixture]
[Category("Scale")]
[NonParallelizable] // the run pipeline's teardown sweeps everything labelled with this test process's run id
public sealed class UpWhileRunTests
{
    [Test]
    public async Task UpThenTheFlowsFirstRuleSetThroughThePipelineThenDownAllGreen()
    {
        var upRun = ToolProcess.NewRunId();
        var output = Directory.CreateTempSubdirectory("ctt-scale-up-");
        try
        {
            var up = await ToolProcess.RunAsync(upRun, "up");
            Assert.That(up.ExitCode, Is.Zero, up.ToString());
            var upContainers = (await HarnessJanitor.FindAsync(upRun)).Containers;
            Assert.That(upContainers, Has.Count.EqualTo(DefaultLibrary.Topology.Hosts.Count + 1), "the topology and its firewall are up");

            // The Flows category's first rule set, through the pipeline (prepare, start, prove, run, judge, report, tear down).
            var first = DefaultLibrary.Cases().First().RuleSet;
            var ruleSet = DefaultLibrary.RuleSets.Single(r => r.Name == first);
            var inputs = await RunPipeline.PrepareAsync(MatrixInputs.Load(null, [ruleSet.SourceFile]), _ => { }, CancellationToken.None);
            var result = await RunPipeline.RunAsync(inputs, new RunOptions(output.FullName), new Progress<PhaseProgress>(phase => TestContext.Progress.WriteLine(phase.ToString())), CancellationToken.None);

            Assert.That(result.Report.RuleSets.Single().Name, Is.EqualTo(first));
            Assert.That(result.Report.RuleSets.Single().Flows, Is.Not.Empty);
            Assert.That(result.Report.RuleSets.Single().Flows.Where(f => !f.Matches).Select(f => $"{f.Id}/{f.From}: {f.Observed.ToWord()} ({f.Detail})"), Is.Empty);
            Assert.That(result.Judgement.Outcome, Is.EqualTo(JudgementOutcome.AsExpected));
            Assert.That(result.LeftRunning, Is.Null);

            Assert.That((await HarnessJanitor.FindAsync(upRun)).Containers, Is.EquivalentTo(upContainers), "the run beside it left the topology that was up as it was");
            var status = await ToolProcess.RunAsync(upRun, "status", "--run", upRun);
            Assert.That(status.Stdout, Does.Contain($"ctt-{upRun}-firewall").And.Contain($"topology {upRun}:"), status.ToString());

            var down = await ToolProcess.RunAsync(upRun, "down", "--run", upRun);
            Assert.That(down.ExitCode, Is.Zero, down.ToString());
            Assert.That((await HarnessJanitor.FindAsync(upRun)).IsEmpty, Is.True, "down removed every container and network of the topology");
        }
        finally
        {
            await HarnessJanitor.RemoveAsync(upRun);
            output.Delete(recursive: true);
        }
    }
}
