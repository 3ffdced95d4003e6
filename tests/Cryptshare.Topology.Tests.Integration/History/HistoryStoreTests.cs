using System.Diagnostics;
using Cryptshare.Topology.History;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.Reports;
using Npgsql;
using Testcontainers.PostgreSql;
using static Cryptshare.Topology.Tests.Integration.History.SampleRuns;

namespace Cryptshare.Topology.Tests.Integration.History;

/// <summary>
/// The run history against a real PostgreSQL (PostgreSqlBuilder on containers/postgres): schema
/// migrations, saving runs, change points and run diffs. Each test has a database of its own.
/// </summary>
[TestFixture]
[Category("History")]
public sealed class HistoryStoreTests
{
    private PostgreSqlContainer _postgres = null!;
    private HistoryDatabases _databases = null!;

    [OneTimeSetUp]
    public async Task StartPostgres()
    {
        var image = await HistoryPostgres.ImageAsync();
        _postgres = HistoryPostgres.Builder(image).WithPassword(HistoryPostgres.NewPassword()).Build();
        var clock = Stopwatch.StartNew();
        await _postgres.StartAsync();
        await TestContext.Progress.WriteLineAsync($"postgres {image.FullName}: created, initialised and ready in {clock.ElapsedMilliseconds} ms");
        _databases = new HistoryDatabases(_postgres);
    }

    [OneTimeTearDown]
    public async Task StopPostgres() => await _postgres.DisposeAsync();

    [Test]
    public async Task MigrationsRunOnceAndASecondOpenDoesNothing()
    {
        var connectionString = await _databases.CreateAsync();
        IReadOnlyList<(int, string, DateTime)> afterFirst;
        await using (var first = new HistoryStore(connectionString))
        {
            Assert.That(await first.MigrateAsync(), Is.EqualTo(HistorySchema.Migrations.Select(m => m.Version)));
            afterFirst = await SchemaVersionsAsync(connectionString);
        }

        await using var second = new HistoryStore(connectionString);
        Assert.That(await second.MigrateAsync(), Is.Empty, "a second open applies nothing");
        Assert.That(await SchemaVersionsAsync(connectionString), Is.EqualTo(afterFirst), "schema_version is untouched");
        Assert.That(afterFirst.Select(v => v.Item1), Is.EqualTo(new[] { 1, 2, 3, 4 }));
    }

    [Test]
    public async Task TwoStoresOpeningAFreshHistoryAtOnceMigrateItOnce()
    {
        var connectionString = await _databases.CreateAsync();
        await using var a = new HistoryStore(connectionString);
        await using var b = new HistoryStore(connectionString);
        var applied = await Task.WhenAll(a.MigrateAsync(), b.MigrateAsync());
        Assert.That(applied.SelectMany(v => v).Order(), Is.EqualTo(new[] { 1, 2, 3, 4 }), "each migration applied by exactly one of them");
    }

    [Test]
    public async Task FirstUseCreatesTheSchema()
    {
        var connectionString = await _databases.CreateAsync();
        await using var store = new HistoryStore(connectionString);
        var run = await store.SaveRunAsync(Night(0), Report(DocumentedV1, Verdict.Dropped));
        Assert.That(run, Is.Positive);
        Assert.That((await SchemaVersionsAsync(connectionString)).Select(v => v.Item1).Max(), Is.EqualTo(HistorySchema.LatestVersion));
    }

    [Test]
    public async Task AChangedRuleSetShowsExactlyThatChangeAndAnIdenticalRunAddsNone()
    {
        await using var store = new HistoryStore(await _databases.CreateAsync());
        var run1 = await store.SaveRunAsync(Night(0), Report(DocumentedV1, Verdict.Dropped));
        var run2 = await store.SaveRunAsync(Night(1), Report(DocumentedV2, Verdict.Allowed));

        var expectedChange = new VerdictChange(Documented, "admin-https", "internet",
            new ChangeSide(run1, Night(0).StartedAt, DocumentedV1, Verdict.Dropped),
            new ChangeSide(run2, Night(1).StartedAt, DocumentedV2, Verdict.Allowed));
        var expectedDifference = new FlowDifference(Documented, "admin-https", "internet", "cs-server", 8080,
            Verdict.Dropped, Verdict.Allowed, DocumentedV1, DocumentedV2);

        var changes = await store.ChangesAsync();
        Assert.That(changes, Is.EqualTo(new[] { expectedChange }));
        Assert.That(changes[0].RuleSetChanged, Is.True);
        Assert.That(await store.DiffAsync(run1, run2), Is.EqualTo(new[] { expectedDifference }));

        var run3 = await store.SaveRunAsync(Night(2), Report(DocumentedV2, Verdict.Allowed));
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await store.ChangesAsync(), Is.EqualTo(new[] { expectedChange }), "an identical third run adds no change point");
            Assert.That(await store.DiffAsync(run2, run3), Is.Empty);
            Assert.That(await store.DiffAsync(run1, run3), Is.EqualTo(new[] { expectedDifference with { RuleSetSha256B = DocumentedV2 } }));
        });
    }

    [Test]
    public async Task ChangesCanBeAskedForOneRuleSetOrOneFlow()
    {
        await using var store = new HistoryStore(await _databases.CreateAsync());
        await store.SaveRunAsync(Night(0), Report(DocumentedV1, Verdict.Dropped));
        await store.SaveRunAsync(Night(1), Report(DocumentedV2, Verdict.Allowed));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That((await store.ChangesAsync(ruleSet: Documented)).Select(c => (c.FlowId, c.From)), Is.EqualTo(new[] { ("admin-https", "internet") }));
            Assert.That((await store.ChangesAsync(flow: "admin-https")).Select(c => c.RuleSet), Is.EqualTo(new[] { Documented }), "the customer's admin-https did not change");
            Assert.That(await store.ChangesAsync(ruleSet: Customer), Is.Empty);
            Assert.That(await store.ChangesAsync(ruleSet: Documented, flow: "ui-https"), Is.Empty);
            Assert.That(await store.ChangesAsync(ruleSet: "no-such-rule-set"), Is.Empty);
        });
    }

    [Test]
    public async Task AVerdictThatFlipsBackUnderTheSameRuleSetGivesTwoChangePoints()
    {
        await using var store = new HistoryStore(await _databases.CreateAsync());
        var runs = new List<long>();
        foreach (var (night, verdict) in new[] { (0, Verdict.Dropped), (1, Verdict.Broken), (2, Verdict.Dropped), (3, Verdict.Dropped) })
        {
            runs.Add(await store.SaveRunAsync(Night(night), Report(DocumentedV1, verdict)));
        }

        var changes = await store.ChangesAsync(Documented, "admin-https");
        Assert.That(changes.Select(c => (c.Before.RunId, c.Before.Observed, c.After.RunId, c.After.Observed)), Is.EqualTo(new[]
        {
            (runs[0], Verdict.Dropped, runs[1], Verdict.Broken),
            (runs[1], Verdict.Broken, runs[2], Verdict.Dropped),
        }));
        Assert.That(changes.Select(c => c.RuleSetChanged), Is.All.False, "same rule set on both sides: the change came from elsewhere");
    }

    [Test]
    public async Task ChangesFollowStartTimeNotSavingOrder()
    {
        await using var store = new HistoryStore(await _databases.CreateAsync());
        var later = await store.SaveRunAsync(Night(5), Report(DocumentedV2, Verdict.Allowed));
        var earlier = await store.SaveRunAsync(Night(4), Report(DocumentedV1, Verdict.Dropped));

        var change = (await store.ChangesAsync()).Single();
        Assert.That((change.Before.RunId, change.After.RunId), Is.EqualTo((earlier, later)));
    }

    [Test]
    public async Task ARuleSetOnlyOneRunHasShowsAsDifferencesWithAnEmptySide()
    {
        await using var store = new HistoryStore(await _databases.CreateAsync());
        var without = await store.SaveRunAsync(Night(0), Report(DocumentedV1, Verdict.Dropped, withCustomer: false));
        var with = await store.SaveRunAsync(Night(1), Report(DocumentedV1, Verdict.Dropped));

        var differences = await store.DiffAsync(without, with);
        Assert.That(differences.Select(d => (d.RuleSet, d.FlowId, d.From, d.ObservedA, d.ObservedB, d.RuleSetSha256A)), Is.EqualTo(new[]
        {
            (Customer, "admin-https", "internet", (Verdict?)null, (Verdict?)Verdict.Rejected, (string?)null),
            (Customer, "smtp", "dmz", (Verdict?)null, (Verdict?)Verdict.Allowed, (string?)null),
        }));
        Assert.That(await store.ChangesAsync(), Is.Empty, "a flow first probed has nothing to change from");
    }

    [Test]
    public async Task ASavedRunKeepsEveryField()
    {
        var connectionString = await _databases.CreateAsync();
        await using var store = new HistoryStore(connectionString);
        const string rule = """{"chain": "forward", "handle": 7, "comment": "admin from the admin zone"}""";
        var report = new MatrixReport(
            [new RuleSetReport(Documented, DocumentedV1,
            [
                new FlowReport("admin-https", "admin", "cs-server", 8080, null, Verdict.Allowed, 12, "HTTP 200", true, false, Verdict.Allowed, ReportedRule.Parse(rule)),
                new FlowReport("ssh-shell", "internet", "cs-server", 22, Verdict.Dropped, Verdict.Dropped, 2001, "no answer", false, true),
            ])],
            new ReportTimings(1234, 5678));
        var info = Night(0) with { StartedAt = new DateTimeOffset(2026, 11, 1, 3, 0, 0, TimeSpan.FromHours(1)) };
        var runId = await store.SaveRunAsync(info, report);

        var stored = (await store.RunsAsync()).Single();
        Assert.That(stored, Is.EqualTo(new StoredRun(runId, info.StartedAt, "default", TopologySha, "1.0.0", info.GitCommit, 1234, 5678, 1, 2)));
        Assert.That(stored.StartedAt.Offset, Is.EqualTo(TimeSpan.Zero), "instants come back in UTC");

        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand("""
            SELECT s.name, s.sha256, f.flow_id, f.from_zone, f.to_host, f.port, f.expected::text, f.observed::text, f.predicted::text,
                   f.deciding_rule ->> 'comment', f.elapsed_ms, f.detail, f.required, f.exposure
            FROM flow_results f JOIN rule_set_results s ON s.id = f.rule_set_result_id
            ORDER BY f.flow_id
            """);
        var rows = new List<object?[]>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var row = new object?[reader.FieldCount];
                reader.GetValues(row!);
                rows.Add(row.Select(v => v is DBNull ? null : v).ToArray());
            }
        }

        Assert.That(rows, Is.EqualTo(new[]
        {
            new object?[] { Documented, DocumentedV1, "admin-https", "admin", "cs-server", 8080, null, "allowed", "allowed", "admin from the admin zone", 12L, "HTTP 200", true, false },
            new object?[] { Documented, DocumentedV1, "ssh-shell", "internet", "cs-server", 22, "dropped", "dropped", null, null, 2001L, "no answer", false, true },
        }));
    }

    /// <summary>A run that lost a host: its host-failed flows and its incomplete section are kept, and read back as they were written.</summary>
    [Test]
    public async Task AnIncompleteRunKeepsItsHostFailedFlowsAndWhy()
    {
        var connectionString = await _databases.CreateAsync();
        await using var store = new HistoryStore(connectionString);
        var incomplete = new IncompleteRun(IncompleteCauses.HostFailed, "ldap (ldap, zone intranet) failed in repetition 1, rule set 01-documented: killed.",
            FirstNight, 1, 1, [], [new HostFailureReport("ldap", "ldap", "intranet", "killed", 137, "its container was killed", 1, Documented, ["slapd"])]);
        var report = Report(DocumentedV1, Verdict.Dropped, withCustomer: false);
        report = report with
        {
            RuleSets = [report.RuleSets[0] with { Flows = [.. report.RuleSets[0].Flows.Select(f => f.Id == "ldaps" ? f with { Observed = Verdict.HostFailed } : f)] }],
            Incomplete = incomplete,
        };
        var first = await store.SaveRunAsync(Night(0), Report(DocumentedV1, Verdict.Dropped, withCustomer: false));
        var second = await store.SaveRunAsync(Night(1), report);

        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand("SELECT id, incomplete ->> 'cause', incomplete -> 'hostFailures' -> 0 ->> 'host' FROM runs ORDER BY id");
        var rows = new List<(long, string?, string?)>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows.Add((reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
            }
        }

        Assert.That(rows, Is.EqualTo(new[] { (first, (string?)null, (string?)null), (second, "host-failed", "ldap") }));
        var ldaps = (await store.DiffAsync(first, second)).Single(d => d.FlowId == "ldaps");
        Assert.That((ldaps.ObservedA, ldaps.ObservedB), Is.EqualTo(((Verdict?)Verdict.Allowed, (Verdict?)Verdict.HostFailed)), "the word reads back");
    }

    [Test]
    public async Task DiffOfAnUnknownRunSaysWhichRun()
    {
        await using var store = new HistoryStore(await _databases.CreateAsync());
        var run = await store.SaveRunAsync(Night(0), Report(DocumentedV1, Verdict.Dropped));
        var error = Assert.ThrowsAsync<ArgumentException>(() => store.DiffAsync(run, run + 100));
        Assert.That(error!.Message, Does.Contain($"no run {run + 100}"));
    }

    [Test]
    public async Task NeitherTheStoreNorItsErrorsShowThePassword()
    {
        var good = new NpgsqlConnectionStringBuilder(await _databases.CreateAsync());
        var secret = HistoryPostgres.NewPassword();
        var wrong = new NpgsqlConnectionStringBuilder(good.ConnectionString) { Password = secret };
        await using var store = new HistoryStore(wrong.ConnectionString);

        Assert.That(store.ToString(), Is.EqualTo($"history at {good.Host}:{good.Port}/{good.Database}"));
        var refused = Assert.ThrowsAsync<PostgresException>(() => store.MigrateAsync());
        // Asserted as a bool: a failing Does.Not.Contain would print the secret it looked for.
        Assert.That(refused!.ToString().Contains(secret, StringComparison.Ordinal), Is.False);
        Assert.That(refused.SqlState, Is.EqualTo(PostgresErrorCodes.InvalidPassword));
    }

    private static async Task<IReadOnlyList<(int, string, DateTime)>> SchemaVersionsAsync(string connectionString)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand($"SELECT version, description, applied_at FROM {HistorySchema.VersionTable} ORDER BY version");
        var versions = new List<(int, string, DateTime)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            versions.Add((reader.GetInt32(0), reader.GetString(1), reader.GetDateTime(2)));
        }

        return versions;
    }
}
