using System.Diagnostics;
using Npgsql;
using Testcontainers.PostgreSql;

namespace Cryptshare.Topology.Tests.Integration.History;

/// <summary>
/// The image from containers/postgres keeps the official image's contract as PostgreSqlBuilder
/// uses it: POSTGRES_USER / POSTGRES_PASSWORD / POSTGRES_DB, server options as the command, the
/// builder's own pg_isready readiness check, and psql inside for ExecScriptAsync.
/// </summary>
[TestFixture]
[Category("History")]
public sealed class PostgresImageTests
{
    private const string User = "ctt_auditor";
    private const string Database = "ctt_history_check";

    private readonly string _password = HistoryPostgres.NewPassword();
    private PostgreSqlContainer _postgres = null!;

    [OneTimeSetUp]
    public async Task StartPostgres()
    {
        var image = await HistoryPostgres.ImageAsync();
        _postgres = HistoryPostgres.Builder(image)
            .WithUsername(User)
            .WithPassword(_password)
            .WithDatabase(Database)
            .Build();
        var clock = Stopwatch.StartNew();
        await _postgres.StartAsync();
        // Progress, not Out: output of a one-time set-up is shown by no test.
        await TestContext.Progress.WriteLineAsync($"postgres {image.FullName}: created, initialised and ready in {clock.ElapsedMilliseconds} ms");
    }

    [OneTimeTearDown]
    public async Task StopPostgres() => await _postgres.DisposeAsync();

    [Test]
    public async Task ConnectsAsTheConfiguredUserToTheConfiguredDatabase()
    {
        await using var connection = new NpgsqlConnection(_postgres.GetConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT current_user, current_database(), (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)", connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.That(await reader.ReadAsync(), Is.True);
        Assert.Multiple(() =>
        {
            Assert.That(reader.GetString(0), Is.EqualTo(User));
            Assert.That(reader.GetString(1), Is.EqualTo(Database));
            Assert.That(reader.GetBoolean(2), Is.True, "POSTGRES_USER is the cluster's superuser, as in the official image");
        });
    }

    [Test]
    public void RefusesAWrongPassword()
    {
        var wrong = new NpgsqlConnectionStringBuilder(_postgres.GetConnectionString()) { Password = _password + "-wrong" };
        var refused = Assert.ThrowsAsync<PostgresException>(async () =>
        {
            await using var connection = new NpgsqlConnection(wrong.ConnectionString);
            await connection.OpenAsync();
        });
        Assert.Multiple(() =>
        {
            Assert.That(refused!.SqlState, Is.EqualTo(PostgresErrorCodes.InvalidPassword));
            // Asserted as a bool: a failing Does.Not.Contain would print the password it looked for.
            Assert.That(refused.ToString().Contains(_password, StringComparison.Ordinal), Is.False, "the error names no password");
        });
    }

    [Test]
    public void RefusesTheDefaultUserWhenAnotherIsConfigured()
    {
        var other = new NpgsqlConnectionStringBuilder(_postgres.GetConnectionString()) { Username = PostgreSqlBuilder.DefaultUsername };
        var refused = Assert.ThrowsAsync<PostgresException>(async () =>
        {
            await using var connection = new NpgsqlConnection(other.ConnectionString);
            await connection.OpenAsync();
        });
        Assert.That(refused!.SqlState, Does.StartWith("28"), "authentication fails: there is no role '_postgres' besides POSTGRES_USER");
    }

    [Test]
    public async Task RunsWithTheServerOptionsTheBuilderSendsAsCommand()
    {
        // PostgreSqlBuilder's command is "-c fsync=off -c full_page_writes=off -c synchronous_commit=off".
        await using var dataSource = NpgsqlDataSource.Create(_postgres.GetConnectionString());
        await using var command = dataSource.CreateCommand(
            "SELECT current_setting('fsync'), current_setting('full_page_writes'), current_setting('synchronous_commit')");
        await using var reader = await command.ExecuteReaderAsync();
        Assert.That(await reader.ReadAsync(), Is.True);
        Assert.That(new[] { reader.GetString(0), reader.GetString(1), reader.GetString(2) }, Is.EqualTo(new[] { "off", "off", "off" }));
    }

    [Test]
    public async Task ExecScriptAsyncRunsPsqlInsideTheContainer()
    {
        var result = await _postgres.ExecScriptAsync("CREATE TABLE script_probe (answer int); INSERT INTO script_probe VALUES (42);");
        Assert.That(result.ExitCode, Is.Zero, result.Stderr);

        await using var dataSource = NpgsqlDataSource.Create(_postgres.GetConnectionString());
        await using var command = dataSource.CreateCommand("SELECT answer FROM script_probe");
        Assert.That(await command.ExecuteScalarAsync(), Is.EqualTo(42));
    }
}
