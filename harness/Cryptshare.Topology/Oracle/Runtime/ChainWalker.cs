namespace Cryptshare.Topology.Oracle.Runtime;

internal enum OutcomeKind : byte
{
    Accept,
    Drop,
    Reject,
    Unknown,

    /// <summary><c>return</c>, or the end of a goto'd chain: back to the caller's caller.</summary>
    Return,

    /// <summary>The chain ran out of rules.</summary>
    End,
}

internal readonly record struct ChainOutcome(OutcomeKind Kind, Rule? Rule, string? Reason = null, string? RejectWith = null)
{
    public static readonly ChainOutcome End = new(OutcomeKind.End, null);
}

/// <summary>Runs a chain's rules in order, following jump, goto and return, like nft_do_chain.</summary>
internal static class ChainWalker
{
    /// <summary>nft's jump stack holds 16 levels; a deeper path is a rule set nft would not load.</summary>
    private const int MaxDepth = 16;

    public static ChainOutcome Run(Chain chain, ref PacketFields packet, Evaluation evaluation, int depth = 0)
    {
        if (depth > MaxDepth)
        {
            return new ChainOutcome(OutcomeKind.Unknown, null, $"jumps nested deeper than {MaxDepth} chains");
        }

        var rules = chain.Rules;
        if (chain.Index is { } index)
        {
            Span<ulong> candidates = index.Words <= 64 ? stackalloc ulong[index.Words] : new ulong[index.Words];
            index.Candidates(ref packet, candidates);
            for (var r = ChainIndex.NextSet(candidates, 0); r >= 0; r = ChainIndex.NextSet(candidates, r + 1))
            {
                if (Apply(rules[r], ref packet, evaluation, depth, out var outcome))
                {
                    return outcome;
                }
            }

            return ChainOutcome.End;
        }

        foreach (var rule in rules)
        {
            if (Apply(rule, ref packet, evaluation, depth, out var outcome))
            {
                return outcome;
            }
        }

        return ChainOutcome.End;
    }

    /// <summary>Runs one rule; true when the chain stops with <paramref name="outcome"/>.</summary>
    private static bool Apply(Rule rule, ref PacketFields packet, Evaluation evaluation, int depth, out ChainOutcome outcome)
    {
        var result = RunRule(rule, ref packet, evaluation);
        switch (result.Kind)
        {
            case ActionKind.Verdict:
                break;
            case ActionKind.Unknown:
                outcome = new ChainOutcome(OutcomeKind.Unknown, rule, result.Reason);
                return true;
            default:
                outcome = default;
                return false;
        }

        var verdict = result.Verdict!;
        switch (verdict.Code)
        {
            case VerdictCode.Accept:
                outcome = new ChainOutcome(OutcomeKind.Accept, rule);
                return true;
            case VerdictCode.Drop:
                outcome = new ChainOutcome(OutcomeKind.Drop, rule);
                return true;
            case VerdictCode.Reject:
                outcome = new ChainOutcome(OutcomeKind.Reject, rule, null, verdict.RejectWith);
                return true;
            case VerdictCode.Return:
                outcome = new ChainOutcome(OutcomeKind.Return, rule);
                return true;
            case VerdictCode.Jump:
            case VerdictCode.Goto:
                var called = Run(verdict.Target!, ref packet, evaluation, depth + 1);
                if (called.Kind is OutcomeKind.Return or OutcomeKind.End)
                {
                    // jump: carry on after the jumping rule; goto: the called chain's end is this chain's end.
                    outcome = verdict.Code == VerdictCode.Jump ? default : new ChainOutcome(OutcomeKind.Return, rule);
                    return verdict.Code == VerdictCode.Goto;
                }

                outcome = called.Kind == OutcomeKind.Unknown && called.Rule is null ? called with { Rule = rule } : called;
                return true;
            default:
                outcome = default;
                return false;
        }
    }

    /// <summary>
    /// One rule, step by step. A false condition ends it without effect. An unknown condition lets it
    /// go on "uncertain": a later false condition still ends it without effect either way, but an
    /// action reached while uncertain makes the outcome unknown.
    /// </summary>
    private static ActionResult RunRule(Rule rule, ref PacketFields packet, Evaluation evaluation)
    {
        string? uncertain = null;
        foreach (var step in rule.Steps)
        {
            if (step.IsCondition)
            {
                var holds = step.Test(ref packet);
                if (holds == Tri.False)
                {
                    return ActionResult.Break;
                }

                if (holds == Tri.Unknown)
                {
                    uncertain ??= step.WhyUnknown(ref packet);
                }

                continue;
            }

            if (uncertain is not null && step is MarkSetAction mark)
            {
                // Whether the mark was set is not known: only a later read of it is.
                mark.Unsettle(ref packet);
                continue;
            }

            if (uncertain is not null)
            {
                return ActionResult.NotKnown(uncertain);
            }

            evaluation.CurrentRule = rule;
            var result = step.Run(ref packet, evaluation);
            if (result.Kind != ActionKind.Continue)
            {
                return result;
            }
        }

        return ActionResult.Break;
    }
}
