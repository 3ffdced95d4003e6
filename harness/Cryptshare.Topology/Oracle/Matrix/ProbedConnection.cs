using System.Net;

namespace Cryptshare.Topology.Oracle.Matrix;

/// <summary>
/// One TCP connection a probe opens: from <see cref="Source"/> (a host in zone
/// <see cref="SourceZone"/>, whose name is the firewall's interface there) to
/// <see cref="Destination"/>:<see cref="Port"/> (a published address for DNAT cases). With
/// <see cref="Exchange"/> the probe speaks a protocol after the connect, so packets after the
/// handshake must pass too; without it a completed connect is the whole probe.
/// </summary>
public sealed record ProbedConnection(IPAddress Source, string SourceZone, IPAddress Destination, int Port, bool Exchange = true)
{
    public override string ToString() => $"{Source} ({SourceZone}) → {Destination}:{Port}";
}

/// <summary>The packets of a TCP handshake, in the order the kernel sees them.</summary>
public enum HandshakeStep
{
    /// <summary>The connection's first packet, from the source.</summary>
    Syn,

    /// <summary>The destination's answer, in the reply direction (conntrack: established).</summary>
    SynAck,

    /// <summary>The source's acknowledgement, the first established packet in the original direction; data follows the same way.</summary>
    Ack,
}

/// <summary>Where a packet was decided: the perimeter firewall, or the server's own (host) firewall.</summary>
public static class Hops
{
    public const string Firewall = "firewall";
    public const string Host = "host";
}
