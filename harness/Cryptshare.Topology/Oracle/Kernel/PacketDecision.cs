using Cryptshare.Topology.Oracle.Matrix;

namespace Cryptshare.Topology.Oracle.Kernel;

/// <summary>What the kernel did with one traced packet, and the rule that decided (as the oracle names it).</summary>
public sealed record PacketDecision(PacketVerdict Verdict, RuleReference? Rule)
{
    public bool Accepted => Verdict == PacketVerdict.Accept;

    /// <summary>
    /// The decision from a packet's passes, by the oracle's own definition (README "The deciding
    /// rule"): the first drop decides (a rule, or a base chain's policy); for an accepted packet the
    /// last accepting rule of a filter-type base chain, else the policy of the last filter-type base
    /// chain, else the last base chain's verdict. The harness's tables are not counted.
    /// </summary>
    public static PacketDecision Of(TracedPacket packet, RuleSetCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(packet);
        ArgumentNullException.ThrowIfNull(catalog);
        RuleReference? lastFilterRule = null, lastFilterPolicy = null, lastAny = null;
        foreach (var pass in packet.Passes.Where(p => !HarnessTables.IsHarness(p.Table)))
        {
            var terminal = pass.Events.LastOrDefault(e => e.IsTerminal);
            if (terminal is null)
            {
                // A chain the packet crossed without a verdict of its own (no policy line): nothing decided there.
                continue;
            }

            var reference = terminal.IsPolicy
                ? new RuleReference(pass.Family, pass.Table, pass.Chain, null, null, terminal.Text)
                : new RuleReference(terminal.Family, terminal.Table, terminal.Chain, terminal.Handle,
                    terminal.Handle is { } handle ? catalog.CommentOf(terminal.Family, terminal.Table, handle) : null, terminal.Text);
            if (terminal.Verdict == "drop")
            {
                return new PacketDecision(IsReject(terminal) ? PacketVerdict.Reject : PacketVerdict.Drop, reference);
            }

            lastAny = reference;
            if (!catalog.IsNat(pass.Family, pass.Table, pass.Chain))
            {
                if (terminal.IsPolicy)
                {
                    lastFilterPolicy = reference;
                }
                else
                {
                    lastFilterRule = reference;
                }
            }
        }

        return new PacketDecision(PacketVerdict.Accept, lastFilterRule ?? lastFilterPolicy ?? lastAny);
    }

    /// <summary>The kernel reports a reject as a drop (the reject statement ends in NF_DROP); the rule's text tells.</summary>
    private static bool IsReject(TraceEvent terminal) =>
        !terminal.IsPolicy && (terminal.Text.StartsWith("reject", StringComparison.Ordinal) || terminal.Text.Contains(" reject", StringComparison.Ordinal));
}
