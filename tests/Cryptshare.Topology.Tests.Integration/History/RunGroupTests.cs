using System.Text.Json;
using Cryptshare.Topology.History;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.Reports;
using Cryptshare.Topology.Tests.Integration.Cli;
using Testcontainers.PostgreSql;
using static Cryptshare.Topology.Tests.Integration.History.SampleRuns;

namespace Cryptshare.Topology.Tests.Integration.History;

/// <summary>
/// The shards of one nightly (`run --shard I/N` in N CI jobs, one CTT_RUN_GROUP) save one run each;
/// the history reads them as one run: `history` counts and names the group, `diff` of any run of a
/// group compares the whole group. Two nights of two shards each, as the CI jobs save them.
/// </summary>
[TestFixture]
[Category("History")]
public sealed class RunGroupTests
{
    private PostgreSqlContainer _postgres = null!;
    private string _history = null!;
    private HistoryStore _store = null!;
    private long _night0Documented;
    private long _night0Customer;
    private long _night1Documented;
    private long _night1Customer;

    [OneTimeSetUp]
    public async Task TwoNightsOfTwoShardsEach()
    {
        _postgres = HistoryPostgres.Builder(await HistoryPostgres.ImageAsync()).WithPassword(HistoryPostgres.NewPassword()).Build();
        await _postgres.StartAsync();
        _history = await new HistoryDatabases(_postgres).CreateAsync();
        _store = new HistoryStore(_history);

        // Shard 1 ran the documented rule set, shard 2 the customer's; admin-https changed between the nights.
        _night0Documented = await _store.SaveRunAsync(Shard(0, "nightly-100"), Only(Documented, Report(DocumentedV1, Verdict.Dropped)));
        _night0Customer = await _store.SaveRunAsync(Shard(0, "nightly-100", minutes: 3), Only(Customer, Report(DocumentedV1, Verdict.Dropped)));
        _night1Documented = await _store.SaveRunAsync(Shard(1, "nightly-101", minutes: 1), Only(Documented, Report(DocumentedV2, Verdict.Allowed)));
        _night1Customer = await _store.SaveRunAsync(Shard(1, "nightly-101"), Only(Customer, Report(DocumentedV2, Verdict.Allowed)));
    }

    [OneTimeTearDown]
    public async Task StopPostgres()
    {
        await _store.DisposeAsync();
        await _postgres.DisposeAsync();
    }

    [Test]
    public async Task TheStoreKeepsEachShardsGroupAndFourShardsAreTwoRuns()
    {
        var runs = await _store.RunsAsync();
        Assert.That(runs.Select(r => (r.Id, r.RunGroup)), Is.EquivalentTo(new[]
        {
            (_night0Documented, (string?)"nightly-100"), (_night0Customer, "nightly-100"), (_night1Documented, "nightly-101"), (_night1Customer, "nightly-101"),
        }));
        Assert.That(runs.Select(RunGroups.KeyOf).Distinct(), Is.EqualTo(new[] { "group nightly-100", "group nightly-101" }));
    }

    [Test]
    public async Task AChangeNamesTheGroupsOnBothSides()
    {
        var change = (await _store.ChangesAsync()).Single();
        Assert.That((change.RuleSet, change.FlowId, change.From), Is.EqualTo((Documented, "admin-https", "internet")));
        Assert.That((change.Before.RunGroup, change.After.RunGroup), Is.EqualTo(("nightly-100", "nightly-101")));
        Assert.That((change.Before.RunId, change.After.RunId), Is.EqualTo((_night0Documented, _night1Documented)));
    }

    [Test]
    public async Task DiffOfAnyShardComparesTheWholeNight()
    {
        // The two customer shards alone differ in nothing; their nights differ in the documented rule set's admin-https.
        var differences = await _store.DiffAsync(_night0Customer, _night1Customer);
        Assert.That(differences.Select(d => (d.RuleSet, d.FlowId, d.From, d.ObservedA, d.ObservedB)), Is.EqualTo(new[]
        {
            (Documented, "admin-https", "internet", (Verdict?)Verdict.Dropped, (Verdict?)Verdict.Allowed),
        }), "no flow shows as 'not probed': each night is read whole");
        Assert.That(await _store.DiffAsync(_night0Documented, _night0Customer), Is.Empty, "two shards of one night are one run");
    }

    [Test]
    public async Task TheHistoryVerbCountsTheNightsAndNamesTheirGroups()
    {
        var json = await ToolProcess.RunAsync(ToolProcess.NewRunId(), "history", "--history", _history, "--json");
        Assert.That(json.ExitCode, Is.Zero, json.ToString());
        using var document = JsonDocument.Parse(json.Stdout);
        Assert.That(document.RootElement.GetProperty("runs").GetInt32(), Is.EqualTo(2), "four shard runs, two nights");
        var change = document.RootElement.GetProperty("changes").EnumerateArray().Single();
        Assert.That(change.GetProperty("after").GetProperty("runGroup").GetString(), Is.EqualTo("nightly-101"));

        var table = await ToolProcess.RunAsync(ToolProcess.NewRunId(), "history", "--history", _history);
        Assert.That(table.Stdout, Does.Contain("verdict changes in 2 runs").And.Contain($"group nightly-100 (run {_night0Documented})").And.Contain($"group nightly-101 (run {_night1Documented})"), table.ToString());

        var diff = await ToolProcess.RunAsync(ToolProcess.NewRunId(), "diff", _night0Customer.ToString(), _night1Customer.ToString(), "--history", _history);
        Assert.That(diff.ExitCode, Is.EqualTo(1), diff.ToString());
        Assert.That(diff.Stdout, Does.Contain($"group nightly-100 (run {_night0Customer}) and group nightly-101 (run {_night1Customer}): 1 flows differ"), diff.ToString());
    }

    private static RunInfo Shard(int night, string group, int minutes = 0) =>
        Night(night) with { StartedAt = Night(night).StartedAt.AddMinutes(minutes), RunGroup = group };

    private static MatrixReport Only(string ruleSet, MatrixReport report) => report with { RuleSets = [.. report.RuleSets.Where(r => r.Name == ruleSet)] };
}
