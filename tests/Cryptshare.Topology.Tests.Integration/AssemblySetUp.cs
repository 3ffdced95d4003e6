using Cryptshare.Topology.Fixtures.Engine;

// Fixtures run in parallel by default: each starts its own containers on its own networks.
[assembly: Parallelizable(ParallelScope.Fixtures)]
[assembly: LevelOfParallelism(4)]

namespace Cryptshare.Topology.Tests.Integration;

/// <summary>
/// Every test here needs a Docker engine. Under CI (CI=true) a missing engine fails them all; on a
/// laptop they are ignored with a message that says how to get one. At the end, whatever this run
/// created and did not remove is a cleanup bug and fails the run.
/// </summary>
[SetUpFixture]
public sealed class AssemblySetUp
{
    [OneTimeSetUp]
    public void RequireDockerEngine()
    {
        HarnessEnvironment.Apply();
        if (DockerEngine.IsAvailable)
        {
            return;
        }

        if (DockerEngine.UnderCi)
        {
            Assert.Fail(DockerEngine.HowToGetOne);
        }

        Assert.Ignore(DockerEngine.HowToGetOne);
    }

    [OneTimeTearDown]
    public async Task NothingLeftBehind()
    {
        if (!DockerEngine.IsAvailable)
        {
            return;
        }

        var leftovers = await HarnessJanitor.RemoveAsync(HarnessLabels.CurrentRun);
        Assert.That(leftovers.IsEmpty, Is.True, $"tests left behind (now removed): {leftovers}");
    }
}
