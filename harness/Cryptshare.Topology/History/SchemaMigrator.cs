using Npgsql;

namespace Cryptshare.Topology.History;

/// <summary>
/// Brings a database up to <see cref="HistorySchema.LatestVersion"/>. All pending migrations go in
/// one transaction under an advisory lock, so two nightly jobs that open the same history at once
/// neither race nor leave a half-migrated schema.
/// </summary>
internal static class SchemaMigrator
{
    /// <summary>Any fixed number: it only has to be the same for every process migrating a history.</summary>
    private const long AdvisoryLockKey = 0x4354_5448_4953_5431; // "CTTHIST1"

    /// <summary>Applies what is missing and returns the versions it applied (none when up to date).</summary>
    public static async Task<IReadOnlyList<int>> MigrateAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);

        await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(@key)", ct, ("key", AdvisoryLockKey));
        await ExecuteAsync(connection, $"""
            CREATE TABLE IF NOT EXISTS {HistorySchema.VersionTable} (
                version     integer PRIMARY KEY,
                description text NOT NULL,
                applied_at  timestamptz NOT NULL DEFAULT now()
            )
            """, ct);

        await using var current = new NpgsqlCommand($"SELECT coalesce(max(version), 0) FROM {HistorySchema.VersionTable}", connection);
        var version = (int)(await current.ExecuteScalarAsync(ct))!;
        if (version > HistorySchema.LatestVersion)
        {
            throw new InvalidOperationException(
                $"the history database has schema version {version}, newer than this harness knows ({HistorySchema.LatestVersion}): use a newer harness");
        }

        var applied = new List<int>();
        foreach (var migration in HistorySchema.Migrations.Where(m => m.Version > version))
        {
            await ExecuteAsync(connection, migration.Sql, ct);
            await ExecuteAsync(connection, $"INSERT INTO {HistorySchema.VersionTable} (version, description) VALUES (@version, @description)", ct,
                ("version", migration.Version), ("description", migration.Description));
            applied.Add(migration.Version);
        }

        await transaction.CommitAsync(ct);
        return applied;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync(ct);
    }
}
