using System.Net;
using System.Net.Sockets;

namespace Cryptshare.Topology.Oracle.Runtime;

internal enum VerdictCode : byte
{
    Accept,
    Drop,
    Reject,
    Continue,
    Return,
    Jump,
    Goto,
}

/// <summary>A verdict as a rule or a verdict map gives it; jump and goto carry their chain.</summary>
internal sealed class VerdictSpec(VerdictCode code, Chain? target = null, string? rejectWith = null)
{
    public static readonly VerdictSpec Accept = new(VerdictCode.Accept);
    public static readonly VerdictSpec Drop = new(VerdictCode.Drop);
    public static readonly VerdictSpec Return = new(VerdictCode.Return);
    public static readonly VerdictSpec Continue = new(VerdictCode.Continue);

    public VerdictCode Code { get; } = code;

    public Chain? Target { get; } = target;

    public string? RejectWith { get; } = rejectWith;
}

/// <summary><c>accept</c>, <c>drop</c>, <c>reject …</c>, <c>return</c>, <c>jump x</c>, <c>goto x</c>.</summary>
internal sealed class VerdictAction(VerdictSpec verdict) : Action
{
    public VerdictSpec Verdict => verdict;

    public override ActionResult Run(ref PacketFields packet, Evaluation evaluation) => ActionResult.Of(verdict);
}

/// <summary><c>tcp dport vmap { 22 : accept, 80 : jump web }</c> or <c>iifname vmap @zones</c>: no element, no effect.</summary>
internal sealed class VmapAction(Key[] keys, CompiledSet map) : Action
{
    public override Tri Test(ref PacketFields packet) => Lookup(ref packet, out _);

    public override ActionResult Run(ref PacketFields packet, Evaluation evaluation) =>
        Lookup(ref packet, out var element) switch
        {
            Tri.False => ActionResult.Break,
            Tri.Unknown => ActionResult.NotKnown(WhyUnknown(ref packet)),
            _ when map.Verdicts![element].Code == VerdictCode.Continue => ActionResult.Continue,
            _ => ActionResult.Of(map.Verdicts![element]),
        };

    public override string WhyUnknown(ref PacketFields packet)
    {
        foreach (var key in keys)
        {
            if (key.Read(ref packet, out _, out _) == KeyRead.Unknown)
            {
                return key.WhyUnknown(ref packet);
            }
        }

        return "verdict map key is not known";
    }

    public override void Constrain(RuleConstraints constraints)
    {
        foreach (var key in keys)
        {
            constraints.RequireDependency(key);
        }

        if (keys.Length == 1 && map.Single is { } single)
        {
            if (keys[0].IsName)
            {
                constraints.RequireName(keys[0].Field, this);
            }
            else if (keys[0].Type != Compile.ValueKind.Ipv6)
            {
                constraints.RequireValues(keys[0], single.Intervals());
            }
        }
    }

    private Tri Lookup(ref PacketFields packet, out int element)
    {
        element = MapLookup.Find(keys, map, ref packet, out var read);
        return read switch
        {
            KeyRead.Absent => Tri.False,
            KeyRead.Unknown => Tri.Unknown,
            _ => element >= 0 ? Tri.True : Tri.False,
        };
    }
}

/// <summary>Reads a map's key (single or concatenated) from the packet and finds the element.</summary>
internal static class MapLookup
{
    public static int Find(Key[] keys, CompiledSet map, ref PacketFields packet, out KeyRead read)
    {
        if (keys.Length == 1 && map.Single is { } single)
        {
            read = keys[0].Read(ref packet, out var number, out var name);
            return read != KeyRead.Value ? -1 : name is null ? single.Find(number) : single.Find(name);
        }

        var numbers = new NumberBuffer();
        var names = new NameBuffer();
        read = KeyRead.Value;
        for (var i = 0; i < keys.Length; i++)
        {
            var one = keys[i].Read(ref packet, out numbers[i], out names[i]);
            if (one == KeyRead.Absent)
            {
                read = KeyRead.Absent;
                return -1;
            }

            if (one == KeyRead.Unknown)
            {
                read = KeyRead.Unknown;
            }
        }

        return read != KeyRead.Value ? -1 : map.Concat!.Find(((Span<UInt128>)numbers)[..keys.Length], ((Span<string?>)names)[..keys.Length]);
    }
}

internal enum NatKind : byte
{
    Dnat,
    Snat,
    Masquerade,
    Redirect,
}

/// <summary>Where a NAT sends the packet: an address (or range) and a port (or range); absent parts stay as they are.</summary>
internal sealed record NatTarget(bool HasAddress, UInt128 AddressLow, UInt128 AddressHigh, int PortLow, int PortHigh)
{
    public bool HasPort => PortLow >= 0;
}

/// <summary>
/// <c>dnat to 10.0.0.1:443</c>, <c>dnat ip to ip daddr map @m</c>, <c>snat to …</c>, <c>masquerade</c>,
/// <c>redirect to :8080</c>. Like the kernel: a NAT of another family than the packet's is a no-op;
/// a map without the key stops the rule; otherwise the translation is set up and the chain accepts.
/// </summary>
internal sealed class NatAction(NatKind kind, int family, NatTarget? target, Key[]? mapKeys, CompiledSet? map) : Action
{
    public NatKind Kind { get; } = kind;

    public override ActionResult Run(ref PacketFields packet, Evaluation evaluation)
    {
        if (family != 0 && packet.Family != family)
        {
            return ActionResult.Continue;
        }

        var to = target;
        if (mapKeys is not null && map is not null)
        {
            var element = MapLookup.Find(mapKeys, map, ref packet, out var read);
            if (read == KeyRead.Absent)
            {
                return ActionResult.Break;
            }

            if (read == KeyRead.Unknown)
            {
                return ActionResult.NotKnown("the key of a NAT map is not known");
            }

            if (element < 0)
            {
                return ActionResult.Break;
            }

            to = map.NatTargets![element];
        }

        to ??= new NatTarget(false, 0, 0, -1, -1);
        switch (Kind)
        {
            case NatKind.Dnat:
                ApplyDestination(ref packet, evaluation, to, "dnat");
                break;
            case NatKind.Redirect:
                var local = evaluation.Routing?.AddressOf(packet.InputInterface, AddressFamilyOf(packet));
                ApplyDestination(ref packet, evaluation,
                    local is null ? to with { HasAddress = true, AddressLow = 0, AddressHigh = UInt128.MaxValue } : to with { HasAddress = true, AddressLow = PacketFields.ToNumber(local), AddressHigh = PacketFields.ToNumber(local) },
                    "redirect");
                evaluation.Redirected = true;
                break;
            case NatKind.Snat:
                ApplySource(ref packet, evaluation, to, "snat");
                break;
            default:
                var own = evaluation.Routing?.AddressOf(packet.OutputInterface, AddressFamilyOf(packet));
                ApplySource(ref packet, evaluation,
                    own is null ? to with { HasAddress = true, AddressLow = 0, AddressHigh = UInt128.MaxValue } : to with { HasAddress = true, AddressLow = PacketFields.ToNumber(own), AddressHigh = PacketFields.ToNumber(own) },
                    "masquerade");
                break;
        }

        evaluation.NatApplied = true;
        return ActionResult.Of(VerdictSpec.Accept);
    }

    private static AddressFamily AddressFamilyOf(in PacketFields packet) =>
        packet.Family == 6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;

    private static void ApplyDestination(ref PacketFields packet, Evaluation evaluation, NatTarget to, string kind)
    {
        IPAddress? address = PacketFields.ToAddress(packet.Destination, packet.Family);
        if (to.HasAddress)
        {
            if (to.AddressLow == to.AddressHigh)
            {
                evaluation.DestinationChanged |= packet.Destination != to.AddressLow || (packet.Unknown & UnknownFields.Destination) != 0;
                packet.Destination = to.AddressLow;
                packet.DestinationType = PacketFields.AddressTypeOf(to.AddressLow, packet.Family, evaluation.Routing);
                packet.Unknown &= ~UnknownFields.Destination;
                address = PacketFields.ToAddress(to.AddressLow, packet.Family);
            }
            else
            {
                evaluation.DestinationChanged = true;
                packet.Unknown |= UnknownFields.Destination;
                address = null;
            }
        }

        int? port = packet.DestinationPort >= 0 ? packet.DestinationPort : null;
        if (to.HasPort)
        {
            if (to.PortLow == to.PortHigh)
            {
                packet.DestinationPort = to.PortLow;
                packet.Unknown &= ~UnknownFields.DestinationPort;
                port = to.PortLow;
            }
            else
            {
                packet.Unknown |= UnknownFields.DestinationPort;
                port = null;
            }
        }

        packet.NatStatus |= (int)ConntrackNat.Dnat;
        evaluation.RecordTranslation(kind, address, port);
    }

    private static void ApplySource(ref PacketFields packet, Evaluation evaluation, NatTarget to, string kind)
    {
        IPAddress? address = PacketFields.ToAddress(packet.Source, packet.Family);
        if (to.HasAddress)
        {
            if (to.AddressLow == to.AddressHigh)
            {
                packet.Source = to.AddressLow;
                packet.SourceType = PacketFields.AddressTypeOf(to.AddressLow, packet.Family, evaluation.Routing);
                packet.Unknown &= ~UnknownFields.Source;
                address = PacketFields.ToAddress(to.AddressLow, packet.Family);
            }
            else
            {
                packet.Unknown |= UnknownFields.Source;
                address = null;
            }
        }

        int? port = packet.SourcePort >= 0 ? packet.SourcePort : null;
        if (to.HasPort)
        {
            if (to.PortLow == to.PortHigh)
            {
                packet.SourcePort = to.PortLow;
                packet.Unknown &= ~UnknownFields.SourcePort;
                port = to.PortLow;
            }
            else
            {
                packet.Unknown |= UnknownFields.SourcePort;
                port = null;
            }
        }

        packet.NatStatus |= (int)ConntrackNat.Snat;
        evaluation.RecordTranslation(kind, address, port);
    }
}

/// <summary>How a mark is computed: <c>meta mark set 0x1</c>, <c>… set mark and 0xffffff00</c> (MARK --set-xmark), <c>… set ct mark</c>.</summary>
internal sealed class MarkValue(KeyField? read, uint constant, uint and, uint or, uint xor)
{
    /// <summary>A constant.</summary>
    public static MarkValue Of(uint value) => new(null, value, 0, 0, 0);

    /// <summary>((read &amp; and) | or) ^ xor.</summary>
    public static MarkValue From(KeyField read, uint and = uint.MaxValue, uint or = 0, uint xor = 0) => new(read, 0, and, or, xor);

    /// <summary>This value under one more operator with a number, as nft nests them (<c>mark and 0xff xor 0x1</c>).</summary>
    public MarkValue Combine(string op, uint operand)
    {
        if (read is null)
        {
            return Of(op switch { "&" => constant & operand, "|" => constant | operand, _ => constant ^ operand });
        }

        // ((x & and) | or) ^ xor, then & c, | c or ^ c, kept in that one form.
        return op switch
        {
            "&" => new MarkValue(read, 0, and & operand, or & operand, xor & operand),
            "|" => new MarkValue(read, 0, and, or | operand, xor & ~operand),
            _ => new MarkValue(read, 0, and, or, xor ^ operand),
        };
    }

    public bool TryCompute(in PacketFields packet, out uint value)
    {
        switch (read)
        {
            case null:
                value = constant;
                return true;
            case KeyField.Mark when packet.MarkKnown:
                value = ((packet.Mark & and) | or) ^ xor;
                return true;
            case KeyField.CtMark when packet.CtMarkKnown:
                value = ((packet.CtMark & and) | or) ^ xor;
                return true;
            default:
                value = 0;
                return false;
        }
    }
}

/// <summary>
/// <c>meta mark set …</c> or <c>ct mark set …</c>: no verdict, the packet (or its connection) carries
/// the mark for the rules after it. A value the oracle cannot compute makes only a later read of
/// that mark unknown.
/// </summary>
internal sealed class MarkSetAction(KeyField target, MarkValue value) : Action
{
    public override ActionResult Run(ref PacketFields packet, Evaluation evaluation)
    {
        var known = value.TryCompute(packet, out var mark);
        if (target == KeyField.CtMark)
        {
            (packet.CtMark, packet.CtMarkKnown) = (mark, known);
        }
        else
        {
            (packet.Mark, packet.MarkKnown) = (mark, known);
        }

        return ActionResult.Continue;
    }

    /// <summary>The rule may or may not have set the mark: from here on it is not known.</summary>
    public void Unsettle(ref PacketFields packet)
    {
        if (target == KeyField.CtMark)
        {
            packet.CtMarkKnown = false;
        }
        else
        {
            packet.MarkKnown = false;
        }
    }
}

/// <summary>A statement the oracle does not model (<c>queue</c>, <c>meta mark set</c>, <c>notrack</c>, …): reaching it makes the verdict unknown.</summary>
internal sealed class UnknownAction(string reason) : Action
{
    public override ActionResult Run(ref PacketFields packet, Evaluation evaluation) => ActionResult.NotKnown(reason);

    public override string WhyUnknown(ref PacketFields packet) => reason;
}
