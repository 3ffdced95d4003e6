namespace Cryptshare.Topology.Oracle.Runtime;

/// <summary>Three-valued result of a condition.</summary>
internal enum Tri : byte
{
    False,
    True,
    Unknown,
}

internal enum ActionKind : byte
{
    /// <summary>Go on with the rule's next step.</summary>
    Continue,

    /// <summary>The rule stops here without effect (a map lookup that found nothing).</summary>
    Break,

    Verdict,
    Unknown,
}

internal readonly record struct ActionResult(ActionKind Kind, VerdictSpec? Verdict = null, string? Reason = null)
{
    public static readonly ActionResult Continue = new(ActionKind.Continue);
    public static readonly ActionResult Break = new(ActionKind.Break);

    public static ActionResult Of(VerdictSpec verdict) => new(ActionKind.Verdict, verdict);

    public static ActionResult NotKnown(string reason) => new(ActionKind.Unknown, null, reason);
}

/// <summary>
/// One expression of a rule, in rule order: a condition (the rule stops when it is false) or an
/// action (a verdict, a map lookup, a NAT, or something not modelled).
/// </summary>
internal abstract class Step
{
    protected Step(bool isCondition) => IsCondition = isCondition;

    public bool IsCondition { get; }

    public virtual Tri Test(ref PacketFields packet) => Tri.Unknown;

    public virtual string WhyUnknown(ref PacketFields packet) => "not modelled";

    public virtual ActionResult Run(ref PacketFields packet, Evaluation evaluation) => ActionResult.NotKnown("not modelled");

    /// <summary>Adds what a packet must satisfy for this step not to stop the rule, for the chain index (never more than that).</summary>
    public virtual void Constrain(RuleConstraints constraints)
    {
    }
}

internal abstract class Condition() : Step(isCondition: true);

internal abstract class Action() : Step(isCondition: false);
