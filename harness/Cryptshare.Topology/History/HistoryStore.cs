using Cryptshare.Topology.Model;
using Cryptshare.Topology.Reports;
using Npgsql;

namespace Cryptshare.Topology.History;

/// <summary>
/// The run history in PostgreSQL: runs and their per-flow verdicts, the points where a flow's
/// verdict changed, and the differences between two runs. The schema is created or migrated on
/// first use. The connection string (it may hold a password) is never part of any message, nor of
/// <see cref="ToString"/>: <see cref="Target"/> names the server and database only.
/// </summary>
public sealed class HistoryStore : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private volatile bool _schemaReady;

    public HistoryStore(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        NpgsqlConnectionStringBuilder parsed;
        try
        {
            parsed = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            // Npgsql's message names the keyword only; its inner exceptions may quote values.
            throw new ArgumentException($"the history connection string is not valid: {e.Message}", nameof(connectionString));
        }

        Target = $"{parsed.Host}:{parsed.Port}/{parsed.Database ?? parsed.Username}";
        _dataSource = NpgsqlDataSource.Create(parsed);
    }

    /// <summary>"host:port/database", safe to print.</summary>
    public string Target { get; }

    public override string ToString() => $"history at {Target}";

    /// <summary>
    /// Creates or migrates the schema; returns the versions it applied (empty when it was up to
    /// date). Every other method calls it once per store before its first query.
    /// </summary>
    public async Task<IReadOnlyList<int>> MigrateAsync(CancellationToken ct = default)
    {
        await _schemaGate.WaitAsync(ct);
        try
        {
            var applied = await SchemaMigrator.MigrateAsync(_dataSource, ct);
            _schemaReady = true;
            return applied;
        }
        finally
        {
            _schemaGate.Release();
        }
    }

    /// <summary>Stores one run with every rule set and flow of its report, in one transaction; returns the run id.</summary>
    public async Task<long> SaveRunAsync(RunInfo run, MatrixReport report, CancellationToken ct = default)
    {
        RunWriter.Check(run, report);
        await EnsureSchemaAsync(ct);
        return await RunWriter.SaveAsync(_dataSource, run, report, ct);
    }

    /// <summary>Every stored run, oldest first.</summary>
    public async Task<IReadOnlyList<StoredRun>> RunsAsync(CancellationToken ct = default)
    {
        await EnsureSchemaAsync(ct);
        return await HistoryQueries.RunsAsync(_dataSource, ct);
    }

    /// <summary>
    /// Per (rule set name, flow id, source zone), each point where the observed verdict differs
    /// from the one of the previous run (by start time) that probed the same flow; optionally for
    /// one rule set and/or one flow id. Ordered by rule set, flow, zone and time.
    /// </summary>
    public async Task<IReadOnlyList<VerdictChange>> ChangesAsync(string? ruleSet = null, string? flow = null, CancellationToken ct = default)
    {
        await EnsureSchemaAsync(ct);
        return await HistoryQueries.ChangesAsync(_dataSource, ruleSet, flow, ct);
    }

    /// <summary>
    /// The flows whose observed verdicts differ between two runs (including flows only one of them
    /// probed). A run of a group (<see cref="RunGroups"/>) stands for the whole group.
    /// </summary>
    public async Task<IReadOnlyList<FlowDifference>> DiffAsync(long runA, long runB, CancellationToken ct = default)
    {
        await EnsureSchemaAsync(ct);
        return await HistoryQueries.DiffAsync(_dataSource, runA, runB, ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        _schemaGate.Dispose();
    }

    private async Task EnsureSchemaAsync(CancellationToken ct)
    {
        if (_schemaReady)
        {
            return;
        }

        await _schemaGate.WaitAsync(ct);
        try
        {
            // Checked again inside: concurrent first calls on one store migrate once.
            if (!_schemaReady)
            {
                await SchemaMigrator.MigrateAsync(_dataSource, ct);
                _schemaReady = true;
            }
        }
        finally
        {
            _schemaGate.Release();
        }
    }

    internal static Verdict ReadVerdict(string word) =>
        VerdictWords.TryParse(word, out var verdict)
            ? verdict
            : throw new InvalidDataException($"the history holds '{word}', which is not a verdict ({VerdictWords.AllWords})");
}
