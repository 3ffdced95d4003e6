namespace Cryptshare.Topology.Oracle.Runtime;

internal enum CompareOp : byte
{
    Equal,
    NotEqual,
    Less,
    Greater,
    LessOrEqual,
    GreaterOrEqual,
}

/// <summary>Shared reading: an absent key fails the rule whatever the operator (nft's dependency check comes first).</summary>
internal abstract class KeyCondition(Key key) : Condition
{
    public Key Key { get; } = key;

    public sealed override Tri Test(ref PacketFields packet) =>
        Key.Read(ref packet, out var number, out var name) switch
        {
            KeyRead.Absent => Tri.False,
            KeyRead.Unknown => Tri.Unknown,
            _ => Matches(number, name) ? Tri.True : Tri.False,
        };

    public override string WhyUnknown(ref PacketFields packet) => Key.WhyUnknown(ref packet);

    public override void Constrain(RuleConstraints constraints)
    {
        constraints.RequireDependency(Key);
        if (Key.IsName)
        {
            constraints.RequireName(Key.Field, this);
        }
        else if (Allowed() is { } allowed)
        {
            constraints.RequireValues(Key, allowed);
        }
    }

    protected abstract bool Matches(UInt128 number, string? name);

    /// <summary>The key values for which the condition holds, when they are easy to list; null otherwise.</summary>
    protected virtual IntervalList? Allowed() => null;

    protected IntervalList Complement(IntervalList list) => list.Complement(Max);

    private ulong Max => (ulong)UInt128.Min(Compile.ValueKinds.MaxValue(Key.Type), ulong.MaxValue);
}

/// <summary><c>tcp dport 443</c>, <c>ip saddr != 10.0.0.1</c>, <c>tcp dport &lt; 1024</c>, <c>ct state == new</c>.</summary>
internal sealed class CompareCondition(Key key, CompareOp op, UInt128 value) : KeyCondition(key)
{
    protected override bool Matches(UInt128 number, string? name) => op switch
    {
        CompareOp.Equal => number == value,
        CompareOp.NotEqual => number != value,
        CompareOp.Less => number < value,
        CompareOp.Greater => number > value,
        CompareOp.LessOrEqual => number <= value,
        _ => number >= value,
    };

    protected override IntervalList? Allowed()
    {
        if (value > ulong.MaxValue)
        {
            return null;
        }

        var v = (ulong)value;
        var max = ulong.MaxValue;
        return op switch
        {
            CompareOp.Equal => IntervalList.Single(v, v),
            CompareOp.NotEqual => Complement(IntervalList.Single(v, v)),
            CompareOp.Less => v == 0 ? IntervalList.Empty : IntervalList.Single(0, v - 1),
            CompareOp.Greater => v == max ? IntervalList.Empty : IntervalList.Single(v + 1, max),
            CompareOp.LessOrEqual => IntervalList.Single(0, v),
            _ => IntervalList.Single(v, max),
        };
    }
}

/// <summary><c>(key &amp; mask) op value</c>: <c>ct state established</c> (mask test, op !=, value 0), <c>tcp flags syn / syn,ack</c>.</summary>
internal sealed class MaskCondition(Key key, UInt128 mask, CompareOp op, UInt128 value) : KeyCondition(key)
{
    protected override bool Matches(UInt128 number, string? name)
    {
        var masked = number & mask;
        return op == CompareOp.Equal ? masked == value : masked != value;
    }

    protected override IntervalList? Allowed() =>
        Key.Field == KeyField.CtState
            ? IntervalList.Normalize(Enumerable.Range(0, 256).Select(v => (ulong)v).Where(v => Matches(v, null)).Select(v => (v, v)))
            : null;
}

/// <summary><c>ip saddr 10.0.0.0/8</c> (a prefix is a range), <c>tcp dport != 1000-2000</c>.</summary>
internal sealed class RangeCondition(Key key, UInt128 low, UInt128 high, bool negate) : KeyCondition(key)
{
    protected override bool Matches(UInt128 number, string? name) => (number >= low && number <= high) != negate;

    protected override IntervalList? Allowed()
    {
        if (high > ulong.MaxValue)
        {
            return null;
        }

        var range = IntervalList.Single((ulong)low, (ulong)high);
        return negate ? Complement(range) : range;
    }
}

/// <summary><c>iifname "internet"</c>, <c>oifname != "dmz"</c>, <c>iifname "eth*"</c> (a prefix).</summary>
internal sealed class NameCondition(Key key, string pattern, bool prefix, bool negate) : KeyCondition(key)
{
    protected override bool Matches(UInt128 number, string? name) =>
        (prefix ? name!.StartsWith(pattern, StringComparison.Ordinal) : name == pattern) != negate;
}

/// <summary><c>tcp dport { 80, 443 }</c>, <c>ip saddr @allowed</c>, <c>ct state != { invalid }</c>.</summary>
internal sealed class LookupCondition(Key key, ElementSet set, bool negate) : KeyCondition(key)
{
    protected override bool Matches(UInt128 number, string? name) =>
        (name is null ? set.Find(number) : set.Find(name)) >= 0 != negate;

    protected override IntervalList? Allowed()
    {
        if (Key.Type == Compile.ValueKind.Ipv6)
        {
            return null;
        }

        var members = set.Intervals();
        return negate ? Complement(members) : members;
    }
}

/// <summary><c>ip saddr . tcp dport @services</c>: every component read, then one lookup.</summary>
internal sealed class ConcatLookupCondition(Key[] keys, ConcatSet set, bool negate) : Condition
{
    public override Tri Test(ref PacketFields packet)
    {
        var numbers = new NumberBuffer();
        var names = new NameBuffer();
        var unknown = false;
        for (var i = 0; i < keys.Length; i++)
        {
            switch (keys[i].Read(ref packet, out numbers[i], out names[i]))
            {
                case KeyRead.Absent:
                    return Tri.False;
                case KeyRead.Unknown:
                    unknown = true;
                    break;
            }
        }

        if (unknown)
        {
            return Tri.Unknown;
        }

        var found = set.Find(((Span<UInt128>)numbers)[..keys.Length], ((Span<string?>)names)[..keys.Length]) >= 0;
        return found != negate ? Tri.True : Tri.False;
    }

    public override string WhyUnknown(ref PacketFields packet)
    {
        foreach (var key in keys)
        {
            if (key.Read(ref packet, out _, out _) == KeyRead.Unknown)
            {
                return key.WhyUnknown(ref packet);
            }
        }

        return "a concatenation component is not known";
    }

    public override void Constrain(RuleConstraints constraints)
    {
        foreach (var key in keys)
        {
            constraints.RequireDependency(key);
        }
    }
}

/// <summary>
/// <c>ct status dnat</c>: only the snat/dnat bits; for a new or related flow the NAT steps on the
/// path so far have set them, for another the flow says what its connection holds (else unknown).
/// </summary>
internal sealed class CtStatusCondition(UInt128 mask, bool negate) : Condition
{
    public override Tri Test(ref PacketFields packet)
    {
        if (packet.CtState == PacketFields.CtInvalid)
        {
            return Tri.False;
        }

        if (!packet.IsFirstOfConnection && !packet.NatStatusKnown)
        {
            return Tri.Unknown;
        }

        return ((packet.NatStatus & (int)mask) != 0) != negate ? Tri.True : Tri.False;
    }

    public override string WhyUnknown(ref PacketFields packet) => "ct status of a connection that is not new, without the connection's translations (Packet.Nat)";
}

/// <summary>A condition the oracle does not model (<c>limit</c>, <c>fib</c>, <c>meta mark</c>, …): it may or may not hold.</summary>
internal sealed class UnknownCondition(string reason) : Condition
{
    public override Tri Test(ref PacketFields packet) => Tri.Unknown;

    public override string WhyUnknown(ref PacketFields packet) => reason;
}
