using Cryptshare.Topology.Oracle.Compile;
using Cryptshare.Topology.Oracle.Runtime;

namespace Cryptshare.Topology.Oracle;

/// <summary>
/// One rule of a compiled rule set as a reader of the rules (the fix advisor) asks about it: what
/// it does when it matches (<see cref="Action"/>: accept, drop or reject; null for a jump, a verdict
/// map, a NAT statement and the like) and which values its conditions admit, read from the compiled
/// conditions (sets, ranges and negations included), never from the rule's text. A field the rule
/// has no condition on is not "admitted": these facts say what a rule is about, not what it matches.
/// </summary>
public sealed class RuleFacts
{
    private readonly RuleConstraints _constraints;

    internal RuleFacts(RuleReference rule, PacketVerdict? action, RuleConstraints constraints)
    {
        Rule = rule;
        Action = action;
        _constraints = constraints;
    }

    public RuleReference Rule { get; }

    public PacketVerdict? Action { get; }

    public bool Accepts => Action == PacketVerdict.Accept;

    public bool Refuses => Action is PacketVerdict.Drop or PacketVerdict.Reject;

    /// <summary>The rule has a destination-port condition that admits <paramref name="port"/>.</summary>
    public bool IsAboutDestinationPort(int port) =>
        _constraints.Values[(int)IndexDimension.DestinationPort] is { } ports && ports.Contains((ulong)port);

    /// <summary>The rule has a source-port condition that admits <paramref name="port"/>.</summary>
    public bool IsAboutSourcePort(int port) =>
        _constraints.Values[(int)IndexDimension.SourcePort] is { } ports && ports.Contains((ulong)port);

    /// <summary>The rule has a destination-port condition of any value.</summary>
    public bool IsAboutAnyDestinationPort => _constraints.Values[(int)IndexDimension.DestinationPort] is not null;

    /// <summary>The rule has a ct state condition that admits established packets (the return-traffic rule).</summary>
    public bool IsAboutEstablished =>
        _constraints.Values[(int)IndexDimension.CtState] is { } states && states.Contains(PacketFields.CtEstablished);

    /// <summary>The rule has an input-interface condition, and every such condition admits <paramref name="interfaceName"/>.</summary>
    public bool NamesInputInterface(string interfaceName)
    {
        if (_constraints.InputNames.Count == 0)
        {
            return false;
        }

        var packet = new PacketFields { InputInterface = interfaceName, OutputInterface = "" };
        return _constraints.InputNames.All(c => c.Test(ref packet) == Tri.True);
    }

    internal static RuleFacts Of(Rule rule)
    {
        var verdict = rule.Steps.Length > 0 && rule.Steps[^1] is VerdictAction last ? last.Verdict.Code : (VerdictCode?)null;
        var action = verdict switch
        {
            VerdictCode.Accept => PacketVerdict.Accept,
            VerdictCode.Drop => PacketVerdict.Drop,
            VerdictCode.Reject => PacketVerdict.Reject,
            _ => (PacketVerdict?)null,
        };
        return new RuleFacts(rule.Reference, action, RuleSetCompiler.Constraints(rule));
    }
}
