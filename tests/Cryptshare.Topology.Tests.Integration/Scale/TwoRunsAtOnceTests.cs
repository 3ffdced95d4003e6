using System.Diagnostics;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Fixtures.Topology;
using Cryptshare.Topology.Tests.Integration.Cli;

namespace Cryptshare.Topology.Tests.Integration.Scale;

/// <summary>
/// Two `run` processes started at the same instant on one engine both succeed, ten times over. Their
/// engine-side pool is made just large enough for both (four /24 blocks for two topologies of two
/// zones), so they must share it out while they start: nothing but the engine's own refusal of an
/// overlapping network ("Pool overlaps") arbitrates, and neither may fail or take the other's block.
/// The small topology (a client and the server) keeps the ten rounds cheap.
/// </summary>
[TestFixture]
[Category("Scale")]
[NonParallelizable] // twenty runs, two at a time: the machine to themselves, so the two start together and nothing else holds the engine busy
public sealed class TwoRunsAtOnceTests
{
    private const int Rounds = 10;

    /// <summary>Four blocks, outside the default pool and Docker's: no other test's topology can take one.</summary>
    private const string TightPool = "100.64.252.0/22";

    private static string Small(string file) => Path.Combine(RepositoryLayout.Root, "tests", "Cryptshare.Topology.Tests.Integration", "Scale", "small", file);

    [Test]
    public async Task TwoRunsStartedTogetherBothSucceedTenTimes()
    {
        var environment = new Dictionary<string, string> { [EngineSubnetPool.Variable] = TightPool };
        var gaps = new List<double>();
        for (var round = 1; round <= Rounds; round++)
        {
            var folder = Directory.CreateTempSubdirectory("ctt-scale-two-");
            var runs = new[] { ToolProcess.NewRunId(), ToolProcess.NewRunId() };
            try
            {
                var clock = Stopwatch.StartNew();
                var started = new double[2];
                using var gate = new Barrier(2);
                var processes = runs.Select((run, i) => Task.Run(async () =>
                {
                    gate.SignalAndWait();
                    started[i] = clock.Elapsed.TotalMilliseconds;
                    return await ToolProcess.RunAsync(run, TimeSpan.FromMinutes(3), environment, null,
                        ["run", "--topology", Small("topology.yml"), "--rules", Small("small.nft"), "--out", Path.Combine(folder.FullName, run)]);
                })).ToList();
                var results = await Task.WhenAll(processes);
                gaps.Add(Math.Abs(started[0] - started[1]));

                Assume.That(gaps[^1], Is.LessThan(100), "the two runs must start within 100 ms of each other for this round to mean anything");
                await Assert.MultipleAsync(async () =>
                {
                    for (var i = 0; i < 2; i++)
                    {
                        Assert.That(results[i].ExitCode, Is.Zero, $"round {round}, run {i + 1}: {results[i]}");
                        Assert.That(results[i].Stdout, Does.Contain("6 flows, all as expected"), $"round {round}, run {i + 1}");
                        Assert.That((await HarnessJanitor.FindAsync(runs[i])).IsEmpty, Is.True, $"round {round}, run {i + 1} left nothing behind");
                    }
                });
            }
            finally
            {
                foreach (var run in runs)
                {
                    await HarnessJanitor.RemoveAsync(run);
                }

                folder.Delete(recursive: true);
            }
        }

        await TestContext.Progress.WriteLineAsync($"two runs at once, {Rounds} rounds: start gaps {string.Join(", ", gaps.Select(g => $"{g:0.0}"))} ms");
    }
}
