using Cryptshare.Topology.Input;

namespace Cryptshare.Topology.History;

/// <summary>
/// Run groups: the CI jobs of one nightly (<c>run --shard I/N</c>, one job per shard) each save a run,
/// and <c>CTT_RUN_GROUP</c>, the same in every job (the CI pipeline's id), makes them one group.
/// <c>history</c> and <c>diff</c> read a group as one run.
/// </summary>
public static class RunGroups
{
    public const string Variable = "CTT_RUN_GROUP";

    public const int MaxLength = 200;

    /// <summary>The group named by <c>CTT_RUN_GROUP</c>, or null; a value the history would refuse is bad input naming the variable.</summary>
    public static string? FromEnvironment()
    {
        var given = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(given))
        {
            return null;
        }

        if (given.Length > MaxLength || given.Any(char.IsControl) || given.Trim() != given)
        {
            throw new InputException(Variable, 0, $"give a group name of 1–{MaxLength} characters without control characters or surrounding spaces, the same in every job of one nightly (e.g. the CI pipeline's id)");
        }

        return given;
    }

    /// <summary>Which logical run a stored run belongs to: its group, or itself.</summary>
    public static string KeyOf(StoredRun run) => run.RunGroup is { } group ? $"group {group}" : $"run {run.Id}";
}
