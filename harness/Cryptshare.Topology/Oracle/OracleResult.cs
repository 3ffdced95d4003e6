using System.Net;

namespace Cryptshare.Topology.Oracle;

/// <summary>What the rule set does with a packet (and what a deciding rule did to it).</summary>
public enum PacketVerdict
{
    Accept,
    Drop,
    Reject,

    /// <summary>The oracle met a construct it does not model; <see cref="OracleResult.Reason"/> names it.</summary>
    Unknown,
}

/// <summary>
/// A rule, or a base chain's policy (then <see cref="Handle"/> is null), as nft lists it.
/// <see cref="Text"/> is rendered from nft's JSON in nft's own syntax (counters without their numbers).
/// </summary>
public sealed record RuleReference(string Family, string Table, string Chain, long? Handle, string? Comment, string Text)
{
    public bool IsPolicy => Handle is null;

    /// <summary>
    /// Whether two references name the same rule: the same chain and handle, or the same policy of
    /// the same chain; whoever named them (the oracle, the kernel's trace, a report). Two nulls are
    /// the same (no rule), a null and a rule are not.
    /// </summary>
    public static bool Same(RuleReference? a, RuleReference? b) =>
        a is null || b is null
            ? a is null && b is null
            : a.Family == b.Family && a.Table == b.Table && a.Chain == b.Chain && a.Handle == b.Handle && (a.Handle is not null || a.Text == b.Text);

    /// <summary><c>inet filter forward #14</c> or <c>inet filter forward policy drop</c>.</summary>
    public override string ToString() =>
        IsPolicy ? $"{Family} {Table} {Chain} {Text}" : $"{Family} {Table} {Chain} #{Handle}: {Text}";
}

/// <summary>How a base chain on the packet's path ended.</summary>
public sealed record ChainStep(string Hook, RuleReference Chain, PacketVerdict Verdict, RuleReference? Rule);

/// <summary>An address translation applied on the path. A null address or port means "changed, to a value the rule set alone does not fix" (a range, a masquerade without a known interface address).</summary>
public sealed record NatTranslation(string Kind, RuleReference Rule, IPAddress? Address, int? Port);

/// <summary>The oracle's answer for one packet.</summary>
public sealed class OracleResult
{
    internal OracleResult(PacketVerdict verdict, RuleReference? decidingRule, string? reason, string? rejectWith, HookPath path,
        IReadOnlyList<NatTranslation> translations, IReadOnlyList<ChainStep> trail)
    {
        Verdict = verdict;
        DecidingRule = decidingRule;
        Reason = reason;
        RejectWith = rejectWith;
        Path = path;
        Translations = translations;
        Trail = trail;
    }

    public PacketVerdict Verdict { get; }

    /// <summary>
    /// The rule or policy that decided. Drop and reject: the rule (or policy) that dropped. Accept:
    /// the last accepting rule of a filter-type base chain on the path, else the policy of the last
    /// filter-type base chain, else the last base chain's verdict. Unknown: the rule holding the
    /// construct that is not understood, when there is one. Null when no base chain is on the path.
    /// </summary>
    public RuleReference? DecidingRule { get; }

    /// <summary>Why the verdict is unknown (names the construct); null otherwise.</summary>
    public string? Reason { get; }

    /// <summary>For a reject: <c>tcp reset</c>, <c>icmpx port-unreachable</c>, …</summary>
    public string? RejectWith { get; }

    /// <summary>A reject that answers with a TCP reset (rather than an ICMP error).</summary>
    public bool RejectsWithTcpReset => Verdict == PacketVerdict.Reject && RejectWith == Text.RuleText.TcpReset;

    /// <summary>The path actually taken (a DNAT to another host turns input into forward, a redirect the reverse).</summary>
    public HookPath Path { get; }

    /// <summary>DNAT, redirect, SNAT and masquerade steps, in order.</summary>
    public IReadOnlyList<NatTranslation> Translations { get; }

    /// <summary>Every base chain traversed and how it ended; empty unless asked for.</summary>
    public IReadOnlyList<ChainStep> Trail { get; }

    /// <summary>The destination after DNAT/redirect, or null when unchanged.</summary>
    public NatTranslation? DestinationTranslation =>
        Translations.LastOrDefault(t => t.Kind is "dnat" or "redirect");

    /// <summary>The source after SNAT/masquerade, or null when unchanged.</summary>
    public NatTranslation? SourceTranslation =>
        Translations.LastOrDefault(t => t.Kind is "snat" or "masquerade");

    public override string ToString()
    {
        var text = Verdict.ToString().ToLowerInvariant();
        if (Reason is not null)
        {
            text += $" ({Reason})";
        }

        return DecidingRule is null ? text : $"{text} by {DecidingRule}";
    }
}
