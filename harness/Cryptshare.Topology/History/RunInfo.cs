using System.Reflection;

namespace Cryptshare.Topology.History;

/// <summary>
/// What a <see cref="Reports.MatrixReport"/> does not say about the run it came from. Hashes are
/// lower-case hex SHA-256 (as <see cref="RuleSets.RuleSet.Sha256"/>); the topology's is the caller's
/// hash of its topology file. <see cref="RunGroup"/> ties the runs of one nightly's shards together
/// (<see cref="RunGroups"/>); null for a run of its own.
/// </summary>
public sealed record RunInfo(
    DateTimeOffset StartedAt,
    string TopologyName,
    string TopologySha256,
    string? HarnessVersion = null,
    string? GitCommit = null,
    string? RunGroup = null)
{
    /// <summary>A run of this harness build: version and commit come from the assembly, where the build recorded them.</summary>
    public static RunInfo ForThisHarness(DateTimeOffset startedAt, string topologyName, string topologySha256, string? runGroup = null)
    {
        var (version, commit) = ParseInformationalVersion(
            typeof(RunInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);
        return new RunInfo(startedAt, topologyName, topologySha256, version, commit, runGroup);
    }

    /// <summary>
    /// The SDK writes "1.0.0+&lt;commit&gt;" when it builds inside a git clone (source revision), and
    /// plain "1.0.0" elsewhere.
    /// </summary>
    public static (string? Version, string? Commit) ParseInformationalVersion(string? informational)
    {
        if (string.IsNullOrWhiteSpace(informational))
        {
            return (null, null);
        }

        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        if (plus < 0)
        {
            return (informational, null);
        }

        var commit = informational[(plus + 1)..];
        return (informational[..plus], commit.Length > 0 ? commit : null);
    }
}
