using System.Text.Json;
using System.Text.RegularExpressions;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Runs;
using Cryptshare.Topology.Runs.Live;
using Cryptshare.Topology.Tests.Integration.Cli;

namespace Cryptshare.Topology.Tests.Integration.Nightly;

/// <summary>
/// The nightly job's matrix: every rule set of the library, repeated on one topology, must show no
/// flaky flow and every verdict as its expectation file says. It is the job's own run: the `run`
/// verb as a process, which takes the run pipeline (Cryptshare.Topology.Runs) as every live matrix does. For the nightly job only (.ci/nightly):
/// the default test run leaves category Nightly out. .ci/nightly sets CTT_NIGHTLY_REPEAT (default 20),
/// CTT_NIGHTLY_PARALLEL (topologies at once, default 1), CTT_NIGHTLY_SHARD (this CI job's share, I/N;
/// then only that share runs), CTT_NIGHTLY_OUT (where the reports stay as artifacts) and CTT_HISTORY
/// (a PostgreSQL connection string: the run is saved there, in the group CTT_RUN_GROUP when set), so
/// the job's reports and history come from this very run.
/// </summary>
[TestFixture]
[Category("Nightly")]
[Explicit("the nightly job's matrix: run it with --filter Category=Nightly (.ci/nightly)")]
[NonParallelizable] // starts the default topology on its fixed subnets 10.77.1–4.0/24
public sealed partial class NightlyLibraryTests
{
    public const int DefaultRepeats = 20;

    [Test]
    public async Task TheWholeLibraryRepeatedHasNoFlakyFlowAndEveryVerdictAsExpected()
    {
        var repeats = Environment.GetEnvironmentVariable("CTT_NIGHTLY_REPEAT") is { Length: > 0 } given ? int.Parse(given) : DefaultRepeats;
        var keep = Environment.GetEnvironmentVariable("CTT_NIGHTLY_OUT") is { Length: > 0 } folder ? folder : null;
        var history = Environment.GetEnvironmentVariable("CTT_HISTORY") is { Length: > 0 } connection ? connection : null;
        var parallel = Environment.GetEnvironmentVariable("CTT_NIGHTLY_PARALLEL") is { Length: > 0 } k ? int.Parse(k) : 1;
        var shard = Environment.GetEnvironmentVariable("CTT_NIGHTLY_SHARD") is { Length: > 0 } s ? RuleSetShard.Parse(s, out _) : null;
        var output = keep ?? Directory.CreateTempSubdirectory("ctt-nightly-").FullName;
        var library = MatrixInputs.LibraryRuleSetPaths();
        List<string> args = ["run", "--rules", .. library, "--repeat", repeats.ToString(), "--parallel", parallel.ToString(), "--out", output];
        if (shard is not null)
        {
            args.AddRange(["--shard", shard.ToString()]);
        }

        if (history is not null)
        {
            args.AddRange(["--history", history]);
        }

        // This job's share: the whole library, or the rule sets whose names fall in its shard.
        var share = shard is null ? library : library.Where(p => RuleSetShard.Of(Path.GetFileNameWithoutExtension(p), shard.Count) == shard.Index).ToList();
        if (share.Count == 0)
        {
            // More shards than rule sets: this job has nothing to prove (the others cover the library).
            Assert.Ignore($"shard {shard} holds none of the library's {library.Count} rule sets");
        }

        var run = ToolProcess.NewRunId();
        try
        {
            // About 35 s a repetition of the ten-rule-set library on a 2-core machine, plus the start.
            var result = await ToolProcess.RunAsync(run, TimeSpan.FromMinutes(10 + 2 * repeats), [.. args]);
            await TestContext.Progress.WriteLineAsync($"nightly: {repeats} repetitions of {share.Count} rule sets on {parallel} topologies, exit {result.ExitCode}, reports in {output}");
            if (keep is not null)
            {
                // The tool's own output beside its reports, for whoever reads the job's artifacts.
                await File.WriteAllTextAsync(Path.Combine(output, "run.log"), $"{result.Stdout}\n--- stderr\n{result.Stderr}");
            }


            // Exit 1 is expected: library rule sets block required flows on purpose, and say so.
            Assert.That(result.ExitCode, Is.AnyOf(0, 1), result.ToString());
            using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "report.json")));
            var root = report.RootElement;
            Assert.That(root.GetProperty("ruleSets").EnumerateArray().Select(r => r.GetProperty("name").GetString() + ".nft"),
                Is.EqualTo(share.Select(Path.GetFileName)), shard is null ? "the whole library ran" : $"shard {shard} of the library ran");
            var flaky = root.GetProperty("flaky");
            if (repeats == 1)
            {
                // A single repetition (a quick check of this test itself) has nothing to compare.
                Assert.That(flaky.ValueKind, Is.EqualTo(JsonValueKind.Null));
            }
            else
            {
                Assert.That(flaky.GetProperty("repeats").GetInt32(), Is.EqualTo(repeats));
                Assert.That(flaky.GetProperty("flows").EnumerateArray().Select(Describe).ToList(), Is.Empty, "flaky flows");
            }

            Assert.That(root.GetProperty("allMatched").GetBoolean(), Is.True, "every verdict as its expectation file says\n" + result.Stdout);
            if (history is not null)
            {
                Assert.That(SavedLine().IsMatch(result.Stdout), Is.True, "the run is in the history\n" + result);
            }
        }
        finally
        {
            await HarnessJanitor.RemoveAsync(run);
            if (keep is null)
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }

    private static string Describe(JsonElement flow) =>
        $"{flow.GetProperty("ruleSet").GetString()}/{flow.GetProperty("id").GetString()}/{flow.GetProperty("from").GetString()}: " +
        string.Join(", ", flow.GetProperty("counts").EnumerateArray().Select(c => $"{c.GetProperty("verdict").GetString()} {c.GetProperty("count").GetInt32()}"));

    [GeneratedRegex(@"history: saved as run \d+ in ")]
    private static partial Regex SavedLine();
}
