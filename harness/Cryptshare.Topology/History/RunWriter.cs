using System.Text.Json;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.Reports;
using Npgsql;
using NpgsqlTypes;

namespace Cryptshare.Topology.History;

/// <summary>Writes one run: the run row, a row per rule set, and the flows by binary COPY.</summary>
internal static class RunWriter
{
    /// <summary>What the schema would refuse, said in the report's own terms before anything is sent.</summary>
    public static void Check(RunInfo run, MatrixReport report)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(report);
        ArgumentException.ThrowIfNullOrWhiteSpace(run.TopologyName);
        RequireSha256(run.TopologySha256, $"topology '{run.TopologyName}'");
        if (run.RunGroup is { } group && (group.Length is 0 or > RunGroups.MaxLength))
        {
            throw new ArgumentException($"the run group must be 1–{RunGroups.MaxLength} characters, not {group.Length}");
        }

        var duplicateRuleSet = report.RuleSets.GroupBy(r => r.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicateRuleSet is not null)
        {
            throw new ArgumentException($"the report has rule set '{duplicateRuleSet.Key}' twice");
        }

        foreach (var ruleSet in report.RuleSets)
        {
            RequireSha256(ruleSet.Sha256, $"rule set '{ruleSet.Name}'");
            var duplicateFlow = ruleSet.Flows.GroupBy(f => (f.Id, f.From)).FirstOrDefault(g => g.Count() > 1);
            if (duplicateFlow is not null)
            {
                throw new ArgumentException($"rule set '{ruleSet.Name}' reports flow {duplicateFlow.Key.Id} from {duplicateFlow.Key.From} twice");
            }

        }
    }

    public static async Task<long> SaveAsync(NpgsqlDataSource dataSource, RunInfo run, MatrixReport report, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);

        long runId;
        await using (var insertRun = new NpgsqlCommand("""
            INSERT INTO runs (started_at, harness_version, git_commit, topology_name, topology_sha256, topology_up_ms, matrix_ms, run_group, incomplete)
            VALUES (@started_at, @harness_version, @git_commit, @topology_name, @topology_sha256, @topology_up_ms, @matrix_ms, @run_group, @incomplete)
            RETURNING id
            """, connection))
        {
            // timestamptz takes UTC only; the instant is what matters.
            insertRun.Parameters.AddWithValue("started_at", run.StartedAt.ToUniversalTime());
            insertRun.Parameters.Add(new NpgsqlParameter<string?>("harness_version", NpgsqlDbType.Text) { TypedValue = run.HarnessVersion });
            insertRun.Parameters.Add(new NpgsqlParameter<string?>("git_commit", NpgsqlDbType.Text) { TypedValue = run.GitCommit });
            insertRun.Parameters.AddWithValue("topology_name", run.TopologyName);
            insertRun.Parameters.AddWithValue("topology_sha256", run.TopologySha256.ToLowerInvariant());
            insertRun.Parameters.AddWithValue("topology_up_ms", report.Timings.TopologyUpMs);
            insertRun.Parameters.AddWithValue("matrix_ms", report.Timings.MatrixMs);
            insertRun.Parameters.Add(new NpgsqlParameter<string?>("run_group", NpgsqlDbType.Text) { TypedValue = run.RunGroup });
            insertRun.Parameters.Add(new NpgsqlParameter<string?>("incomplete", NpgsqlDbType.Jsonb)
            {
                TypedValue = report.Incomplete is null ? null : JsonSerializer.Serialize(report.Incomplete, MatrixReport.Json),
            });
            runId = (long)(await insertRun.ExecuteScalarAsync(ct))!;
        }

        foreach (var ruleSet in report.RuleSets)
        {
            var ruleSetId = await InsertRuleSetAsync(connection, runId, ruleSet, ct);
            await CopyFlowsAsync(connection, ruleSetId, ruleSet.Flows, ct);
        }

        await transaction.CommitAsync(ct);
        return runId;
    }

    private static async Task<long> InsertRuleSetAsync(NpgsqlConnection connection, long runId, RuleSetReport ruleSet, CancellationToken ct)
    {
        await using var insert = new NpgsqlCommand(
            "INSERT INTO rule_set_results (run_id, name, sha256) VALUES (@run_id, @name, @sha256) RETURNING id", connection);
        insert.Parameters.AddWithValue("run_id", runId);
        insert.Parameters.AddWithValue("name", ruleSet.Name);
        insert.Parameters.AddWithValue("sha256", ruleSet.Sha256.ToLowerInvariant());
        return (long)(await insert.ExecuteScalarAsync(ct))!;
    }

    private static async Task CopyFlowsAsync(NpgsqlConnection connection, long ruleSetId, IReadOnlyList<FlowReport> flows, CancellationToken ct)
    {
        await using var copy = await connection.BeginBinaryImportAsync("""
            COPY flow_results (rule_set_result_id, flow_id, from_zone, to_host, port, expected, observed, predicted,
                               deciding_rule, elapsed_ms, detail, required, exposure)
            FROM STDIN (FORMAT BINARY)
            """, ct);
        foreach (var flow in flows)
        {
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(ruleSetId, NpgsqlDbType.Bigint, ct);
            await copy.WriteAsync(flow.Id, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(flow.From, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(flow.To, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(flow.Port, NpgsqlDbType.Integer, ct);
            await WriteVerdictAsync(copy, flow.Expected, ct);
            await WriteVerdictAsync(copy, flow.Observed, ct);
            await WriteVerdictAsync(copy, flow.Predicted, ct);
            if (flow.DecidingRule is null)
            {
                await copy.WriteNullAsync(ct);
            }
            else
            {
                await copy.WriteAsync(flow.DecidingRule.ToJson(), NpgsqlDbType.Jsonb, ct);
            }

            await copy.WriteAsync(flow.ElapsedMs, NpgsqlDbType.Bigint, ct);
            await copy.WriteAsync(flow.Detail, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(flow.Required, NpgsqlDbType.Boolean, ct);
            await copy.WriteAsync(flow.Exposure, NpgsqlDbType.Boolean, ct);
        }

        await copy.CompleteAsync(ct);
    }

    private static async Task WriteVerdictAsync(NpgsqlBinaryImporter copy, Verdict? verdict, CancellationToken ct)
    {
        if (verdict is { } value)
        {
            await copy.WriteAsync(value.ToWord(), NpgsqlDbType.Text, ct);
        }
        else
        {
            await copy.WriteNullAsync(ct);
        }
    }

    private static void RequireSha256(string? hash, string what)
    {
        if (hash is null || hash.Length != 64 || !hash.All(Uri.IsHexDigit))
        {
            throw new ArgumentException($"{what}: the SHA-256 must be 64 hex digits");
        }
    }
}
