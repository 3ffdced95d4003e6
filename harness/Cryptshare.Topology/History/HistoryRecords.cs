using Cryptshare.Topology.Model;

namespace Cryptshare.Topology.History;

/// <summary>One stored run, as listed by <see cref="HistoryStore.RunsAsync"/>; <see cref="RunGroup"/> is its group (<see cref="RunGroups"/>), if any.</summary>
public sealed record StoredRun(
    long Id,
    DateTimeOffset StartedAt,
    string TopologyName,
    string TopologySha256,
    string? HarnessVersion,
    string? GitCommit,
    long TopologyUpMs,
    long MatrixMs,
    int RuleSets,
    int Flows,
    string? RunGroup = null);

/// <summary>One side of a verdict change: the run (and its group, if any), its rule set's hash and what was observed.</summary>
public sealed record ChangeSide(long RunId, DateTimeOffset StartedAt, string RuleSetSha256, Verdict Observed, string? RunGroup = null);

/// <summary>
/// The observed verdict of one flow (rule set, flow id, source zone) differs between two
/// consecutive runs that probed it.
/// </summary>
public sealed record VerdictChange(string RuleSet, string FlowId, string From, ChangeSide Before, ChangeSide After)
{
    /// <summary>False when the rule set is the same on both sides: the change came from elsewhere (a flaky probe, a host, the harness).</summary>
    public bool RuleSetChanged => Before.RuleSetSha256 != After.RuleSetSha256;
}

/// <summary>
/// A flow whose observed verdict differs between two runs. A side is null where that run did not
/// probe the flow (a rule set or flow that only one of them has).
/// </summary>
public sealed record FlowDifference(
    string RuleSet,
    string FlowId,
    string From,
    string To,
    int Port,
    Verdict? ObservedA,
    Verdict? ObservedB,
    string? RuleSetSha256A,
    string? RuleSetSha256B);
