using Cryptshare.Topology.Oracle.Compile;

namespace Cryptshare.Topology.Oracle.Runtime;

internal enum KeyField : byte
{
    Source,
    Destination,
    Protocol,
    NfProto,
    EtherType,
    SourcePort,
    DestinationPort,
    InputInterface,
    OutputInterface,
    CtState,
    TcpFlags,
    IcmpType,
    IcmpCode,
    PacketType,
    Mark,
    CtMark,
    FibSourceType,
    FibDestinationType,
}

/// <summary>How reading a key went: a value; absent (nft's implicit dependency fails, so the rule does not match); or not known.</summary>
internal enum KeyRead : byte
{
    Value,
    Absent,
    Unknown,
}

/// <summary>
/// A packet field a rule reads (the left side of a match, a map key), with the dependency nft adds
/// implicitly and leaves out of its JSON: <c>tcp dport</c> reads only TCP packets, <c>ip saddr</c>
/// only IPv4 ones.
/// </summary>
internal sealed class Key
{
    /// <summary>Any transport protocol.</summary>
    public const int AnyProtocol = -1;

    /// <summary><c>th</c>: any transport protocol; one without ports cannot be read.</summary>
    public const int PortProtocol = -2;

    public Key(KeyField field, int family, int protocol, ValueKind type, string text)
    {
        Field = field;
        Family = family;
        Protocol = protocol;
        Type = type;
        Text = text;
    }

    public KeyField Field { get; }

    /// <summary>4 or 6 when only that IP version has the field, 0 for both.</summary>
    public int Family { get; }

    public int Protocol { get; }

    public ValueKind Type { get; }

    /// <summary>nft's spelling: <c>ip saddr</c>, <c>tcp dport</c>, <c>iifname</c>.</summary>
    public string Text { get; }

    public bool IsName => Field is KeyField.InputInterface or KeyField.OutputInterface;

    public KeyRead Read(ref PacketFields packet, out UInt128 number, out string? name)
    {
        number = 0;
        name = null;
        if ((Family != 0 && packet.Family != Family) || (Protocol >= 0 && packet.Protocol != Protocol))
        {
            return KeyRead.Absent;
        }

        switch (Field)
        {
            case KeyField.Source:
                number = packet.Source;
                return (packet.Unknown & UnknownFields.Source) != 0 ? KeyRead.Unknown : KeyRead.Value;
            case KeyField.Destination:
                number = packet.Destination;
                return (packet.Unknown & UnknownFields.Destination) != 0 ? KeyRead.Unknown : KeyRead.Value;
            case KeyField.Protocol:
                number = (uint)packet.Protocol;
                return KeyRead.Value;
            case KeyField.NfProto:
                number = packet.Family == 6 ? 10u : 2u;
                return KeyRead.Value;
            case KeyField.EtherType:
                number = packet.Family == 6 ? 0x86ddu : 0x0800u;
                return KeyRead.Value;
            case KeyField.SourcePort:
                number = (uint)packet.SourcePort;
                return packet.SourcePort < 0 || (packet.Unknown & UnknownFields.SourcePort) != 0 ? KeyRead.Unknown : KeyRead.Value;
            case KeyField.DestinationPort:
                number = (uint)packet.DestinationPort;
                return packet.DestinationPort < 0 || (packet.Unknown & UnknownFields.DestinationPort) != 0 ? KeyRead.Unknown : KeyRead.Value;
            case KeyField.InputInterface:
                name = packet.InputInterface;
                return KeyRead.Value;
            case KeyField.OutputInterface:
                name = packet.OutputInterface;
                return KeyRead.Value;
            case KeyField.CtState:
                number = (uint)packet.CtState;
                return KeyRead.Value;
            case KeyField.TcpFlags:
                number = (uint)packet.TcpFlags;
                return packet.TcpFlags < 0 ? KeyRead.Unknown : KeyRead.Value;
            case KeyField.IcmpType:
                number = (uint)packet.IcmpType;
                return packet.IcmpType < 0 ? KeyRead.Unknown : KeyRead.Value;
            case KeyField.IcmpCode:
                number = (uint)packet.IcmpCode;
                return packet.IcmpCode < 0 ? KeyRead.Unknown : KeyRead.Value;
            case KeyField.Mark:
                number = packet.Mark;
                return packet.MarkKnown ? KeyRead.Value : KeyRead.Unknown;
            case KeyField.CtMark:
                number = packet.CtMark;
                return packet.CtMarkKnown ? KeyRead.Value : KeyRead.Unknown;
            case KeyField.FibSourceType:
                number = (uint)Math.Max(0, packet.SourceType);
                return packet.SourceType < 0 || (packet.Unknown & UnknownFields.Source) != 0 ? KeyRead.Unknown : KeyRead.Value;
            case KeyField.FibDestinationType:
                number = (uint)Math.Max(0, packet.DestinationType);
                return packet.DestinationType < 0 || (packet.Unknown & UnknownFields.Destination) != 0 ? KeyRead.Unknown : KeyRead.Value;
            case KeyField.PacketType:
                // Unicast IP sent to the firewall's own MAC (routed or local) is "host"; what a locally
                // generated packet carries is not modelled.
                return packet.Path == HookPath.Output ? KeyRead.Unknown : KeyRead.Value;
            default:
                return KeyRead.Unknown;
        }
    }

    /// <summary>Why <see cref="Read"/> said unknown.</summary>
    public string WhyUnknown(ref PacketFields packet) => Field switch
    {
        KeyField.Source or KeyField.SourcePort when (packet.Unknown & (UnknownFields.Source | UnknownFields.SourcePort)) != 0 =>
            $"{Text} is read after a source NAT to a value the rule set alone does not fix",
        KeyField.Destination or KeyField.DestinationPort when (packet.Unknown & (UnknownFields.Destination | UnknownFields.DestinationPort)) != 0 =>
            $"{Text} is read after a destination NAT to a value the rule set alone does not fix",
        KeyField.SourcePort or KeyField.DestinationPort when Protocol == PortProtocol && !NftSymbols.HasPorts(packet.Protocol) =>
            $"{Text} is read from a protocol without ports ({packet.Protocol})",
        KeyField.SourcePort or KeyField.DestinationPort => $"{Text} is read but the flow gives no port",
        KeyField.TcpFlags => $"{Text} is read but the flow gives no TCP flags",
        KeyField.PacketType => $"{Text} of a locally generated packet is not modelled",
        KeyField.Mark => $"{Text} is read after a mark was set to a value the oracle does not compute",
        KeyField.CtMark => $"{Text} of a connection's later packet is read, and the rule set sets connection marks",
        KeyField.FibSourceType or KeyField.FibDestinationType => $"{Text}: the route type of this address is not known from the topology",
        _ => $"{Text} is not known for this flow",
    };
}
