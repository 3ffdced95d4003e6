namespace Cryptshare.Topology.History;

/// <summary>One step of the history schema. Applied steps are never edited: a change is a new step.</summary>
public sealed record Migration(int Version, string Description, string Sql);

/// <summary>
/// The history schema as an ordered list of migrations. The tables are unqualified, so a
/// connection string's <c>Search Path</c> can put the history into a schema of its own.
/// </summary>
public static class HistorySchema
{
    /// <summary>Records which migrations a database has; created by the migrator itself.</summary>
    public const string VersionTable = "schema_version";

    public static IReadOnlyList<Migration> Migrations { get; } =
    [
        new(1, "runs, rule-set results and flow results", """
            -- The verdict words of report.json; a new verdict word is a new migration.
            CREATE DOMAIN verdict AS text
                CHECK (VALUE IN ('allowed', 'dropped', 'rejected', 'broken', 'unroutable'));

            CREATE TABLE runs (
                id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                started_at      timestamptz NOT NULL,
                saved_at        timestamptz NOT NULL DEFAULT now(),
                harness_version text,
                git_commit      text,
                topology_name   text NOT NULL,
                topology_sha256 text NOT NULL CHECK (topology_sha256 ~ '^[0-9a-f]{64}$'),
                topology_up_ms  bigint NOT NULL,
                matrix_ms       bigint NOT NULL
            );

            CREATE TABLE rule_set_results (
                id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                run_id bigint NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
                name   text NOT NULL,
                sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
                UNIQUE (run_id, name)
            );

            CREATE TABLE flow_results (
                rule_set_result_id bigint NOT NULL REFERENCES rule_set_results (id) ON DELETE CASCADE,
                flow_id       text NOT NULL,
                from_zone     text NOT NULL,
                to_host       text NOT NULL,
                port          integer NOT NULL CHECK (port BETWEEN 1 AND 65535),
                expected      verdict,
                observed      verdict NOT NULL,
                predicted     verdict,
                deciding_rule jsonb,
                elapsed_ms    bigint NOT NULL,
                detail        text NOT NULL,
                required      boolean NOT NULL,
                exposure      boolean NOT NULL,
                PRIMARY KEY (rule_set_result_id, flow_id, from_zone)
            );
            """),
        new(2, "indexes for the change and diff queries", """
            -- Changes walk one rule set's results in run order; runs are ordered by start time.
            CREATE INDEX rule_set_results_by_name ON rule_set_results (name, run_id);
            CREATE INDEX runs_by_start ON runs (started_at, id);
            CREATE INDEX flow_results_by_flow ON flow_results (flow_id, from_zone);
            """),
        new(3, "run groups: the shards of one nightly read as one run", """
            -- The CI jobs of one nightly (run --shard I/N) each save a run; CTT_RUN_GROUP gives them one
            -- group, and history and diff read a group as one run. Null for a run of its own.
            ALTER TABLE runs ADD COLUMN run_group text
                CHECK (run_group IS NULL OR length(run_group) BETWEEN 1 AND 200);
            CREATE INDEX runs_by_group ON runs (run_group) WHERE run_group IS NOT NULL;
            """),
        new(4, "host-failed flows and incomplete runs", """
            -- A flow whose host failed during the run was not tested: the harness's word, not a firewall's.
            ALTER DOMAIN verdict DROP CONSTRAINT verdict_check;
            ALTER DOMAIN verdict ADD CONSTRAINT verdict_check
                CHECK (VALUE IN ('allowed', 'dropped', 'rejected', 'broken', 'unroutable', 'host-failed'));

            -- report.json's incomplete section (why the run did not test everything); null for a complete run.
            ALTER TABLE runs ADD COLUMN incomplete jsonb;
            """),
    ];

    public static int LatestVersion => Migrations[^1].Version;
}
