using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Cryptshare.Topology.RuleSets;

namespace Cryptshare.Topology.Runs.Live;

/// <summary>
/// Shard <see cref="Index"/> of <see cref="Count"/> (<c>run --shard I/N</c>): the rule sets whose name
/// hashes to it. N CI jobs with shards 1/N … N/N cover every rule set exactly once, each job deciding
/// alone (the CI system's own job matrix spreads the work; nothing of ours schedules it). By name, not
/// by position: a rule set keeps its shard when others are added or removed, so adding one to the
/// library moves no other. The hash is SHA-256 of the name, the same on every machine and runtime.
/// </summary>
public sealed record RuleSetShard(int Index, int Count)
{
    public const int MaxCount = 1000;

    /// <summary>The shard a rule set's name belongs to (1 to <paramref name="count"/>).</summary>
    public static int Of(string ruleSetName, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(ruleSetName));
        return (int)(BinaryPrimitives.ReadUInt64BigEndian(hash) % (ulong)count) + 1;
    }

    /// <summary>Parses <c>I/N</c> (1 ≤ I ≤ N ≤ <see cref="MaxCount"/>); null with <paramref name="error"/> saying what to give.</summary>
    public static RuleSetShard? Parse(string text, out string? error)
    {
        var parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], out var index) && int.TryParse(parts[1], out var count)
            && count is >= 1 and <= MaxCount && index >= 1 && index <= count)
        {
            error = null;
            return new RuleSetShard(index, count);
        }

        error = $"'{text}': give I/N, the shard I of N (1 ≤ I ≤ N ≤ {MaxCount}), e.g. 2/3";
        return null;
    }

    /// <summary>This shard's share of the rule sets, in their order.</summary>
    public IReadOnlyList<RuleSet> Select(IReadOnlyList<RuleSet> ruleSets) => ruleSets.Where(r => Of(r.Name, Count) == Index).ToList();

    public override string ToString() => $"{Index}/{Count}";
}
