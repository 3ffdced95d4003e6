using Npgsql;
using NpgsqlTypes;

namespace Cryptshare.Topology.History;

/// <summary>The read side of the history: the SQL and the mapping of its rows.</summary>
internal static class HistoryQueries
{
    public static async Task<IReadOnlyList<StoredRun>> RunsAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT r.id, r.started_at, r.topology_name, r.topology_sha256, r.harness_version, r.git_commit,
                   r.topology_up_ms, r.matrix_ms,
                   (SELECT count(*) FROM rule_set_results s WHERE s.run_id = r.id)::int,
                   (SELECT count(*) FROM rule_set_results s JOIN flow_results f ON f.rule_set_result_id = s.id WHERE s.run_id = r.id)::int,
                   r.run_group
            FROM runs r
            ORDER BY r.started_at, r.id
            """);
        var runs = new List<StoredRun>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            runs.Add(new StoredRun(
                reader.GetInt64(0),
                reader.GetFieldValue<DateTimeOffset>(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.GetInt64(6),
                reader.GetInt64(7),
                reader.GetInt32(8),
                reader.GetInt32(9),
                reader.IsDBNull(10) ? null : reader.GetString(10)));
        }

        return runs;
    }

    public static async Task<IReadOnlyList<VerdictChange>> ChangesAsync(NpgsqlDataSource dataSource, string? ruleSet, string? flow, CancellationToken ct)
    {
        // LAG over each (rule set, flow, zone) in run order pairs every observation with the one
        // before it; a change point is a pair whose verdicts differ.
        await using var command = dataSource.CreateCommand("""
            WITH observations AS (
                SELECT s.name AS rule_set, f.flow_id, f.from_zone,
                       r.id AS run_id, r.started_at, s.sha256, f.observed::text AS observed, r.run_group,
                       lag(r.id)               OVER w AS previous_run_id,
                       lag(r.started_at)       OVER w AS previous_started_at,
                       lag(s.sha256)           OVER w AS previous_sha256,
                       lag(f.observed::text)   OVER w AS previous_observed,
                       lag(r.run_group)        OVER w AS previous_run_group
                FROM flow_results f
                JOIN rule_set_results s ON s.id = f.rule_set_result_id
                JOIN runs r ON r.id = s.run_id
                WHERE (@rule_set::text IS NULL OR s.name = @rule_set::text)
                  AND (@flow::text IS NULL OR f.flow_id = @flow::text)
                WINDOW w AS (PARTITION BY s.name, f.flow_id, f.from_zone ORDER BY r.started_at, r.id)
            )
            SELECT rule_set, flow_id, from_zone,
                   previous_run_id, previous_started_at, previous_sha256, previous_observed,
                   run_id, started_at, sha256, observed,
                   previous_run_group, run_group
            FROM observations
            WHERE previous_run_id IS NOT NULL AND observed <> previous_observed
            ORDER BY rule_set, flow_id, from_zone, started_at, run_id
            """);
        command.Parameters.Add(new NpgsqlParameter<string?>("rule_set", NpgsqlDbType.Text) { TypedValue = ruleSet });
        command.Parameters.Add(new NpgsqlParameter<string?>("flow", NpgsqlDbType.Text) { TypedValue = flow });

        var changes = new List<VerdictChange>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            changes.Add(new VerdictChange(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                new ChangeSide(reader.GetInt64(3), reader.GetFieldValue<DateTimeOffset>(4), reader.GetString(5), HistoryStore.ReadVerdict(reader.GetString(6)), reader.IsDBNull(11) ? null : reader.GetString(11)),
                new ChangeSide(reader.GetInt64(7), reader.GetFieldValue<DateTimeOffset>(8), reader.GetString(9), HistoryStore.ReadVerdict(reader.GetString(10)), reader.IsDBNull(12) ? null : reader.GetString(12))));
        }

        return changes;
    }

    public static async Task<IReadOnlyList<FlowDifference>> DiffAsync(NpgsqlDataSource dataSource, long runA, long runB, CancellationToken ct)
    {
        await RequireRunsAsync(dataSource, [runA, runB], ct);
        // A run stands for its whole group: the shards of one nightly are compared as one run.
        await using var command = dataSource.CreateCommand("""
            WITH a_runs AS (
                SELECT id FROM runs WHERE id = @run_a OR run_group = (SELECT run_group FROM runs WHERE id = @run_a)
            ),
            b_runs AS (
                SELECT id FROM runs WHERE id = @run_b OR run_group = (SELECT run_group FROM runs WHERE id = @run_b)
            ),
            flows AS (
                SELECT s.run_id, s.name AS rule_set, s.sha256, f.flow_id, f.from_zone, f.to_host, f.port, f.observed::text AS observed
                FROM flow_results f
                JOIN rule_set_results s ON s.id = f.rule_set_result_id
                WHERE s.run_id IN (SELECT id FROM a_runs UNION SELECT id FROM b_runs)
            ),
            a AS (SELECT * FROM flows WHERE run_id IN (SELECT id FROM a_runs)),
            b AS (SELECT * FROM flows WHERE run_id IN (SELECT id FROM b_runs))
            SELECT coalesce(a.rule_set, b.rule_set), coalesce(a.flow_id, b.flow_id), coalesce(a.from_zone, b.from_zone),
                   coalesce(b.to_host, a.to_host), coalesce(b.port, a.port),
                   a.observed, b.observed, a.sha256, b.sha256
            FROM a FULL OUTER JOIN b
              ON a.rule_set = b.rule_set AND a.flow_id = b.flow_id AND a.from_zone = b.from_zone
            WHERE a.observed IS DISTINCT FROM b.observed
            ORDER BY 1, 2, 3
            """);
        command.Parameters.AddWithValue("run_a", runA);
        command.Parameters.AddWithValue("run_b", runB);

        var differences = new List<FlowDifference>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            differences.Add(new FlowDifference(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetInt32(4),
                reader.IsDBNull(5) ? null : HistoryStore.ReadVerdict(reader.GetString(5)),
                reader.IsDBNull(6) ? null : HistoryStore.ReadVerdict(reader.GetString(6)),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetString(8)));
        }

        return differences;
    }

    private static async Task RequireRunsAsync(NpgsqlDataSource dataSource, long[] ids, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("SELECT id FROM runs WHERE id = ANY(@ids)");
        command.Parameters.AddWithValue("ids", ids);
        var found = new HashSet<long>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            found.Add(reader.GetInt64(0));
        }

        var missing = ids.Where(id => !found.Contains(id)).Distinct().ToList();
        if (missing.Count > 0)
        {
            throw new ArgumentException($"the history has no run {string.Join(" or ", missing)}");
        }
    }
}
