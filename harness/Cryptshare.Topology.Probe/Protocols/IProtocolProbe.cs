using System.Net.Sockets;
using Cryptshare.Topology.Probing;

namespace Cryptshare.Topology.Probe.Protocols;

/// <summary>
/// One protocol's exchange over a TCP connection the agent has already made (and classified).
/// Implementations return <see cref="ProbeVerdict.Allowed"/> or <see cref="ProbeVerdict.Broken"/>
/// with a reason; an exception that escapes becomes <c>broken</c> with its message, and the
/// exchange timeout cancels the token given to <c>ExchangeAsync</c>.
/// </summary>
internal interface IProtocolProbe
{
    ProbeProtocol Protocol { get; }

    /// <summary>Why the request cannot be probed with this protocol (a harness bug, before any packet leaves), or null.</summary>
    string? Invalid(ProbeRequest request, ProbeContext context);

    /// <summary>Runs the exchange. Owns <paramref name="connected"/> and disposes it.</summary>
    Task<ExchangeOutcome> ExchangeAsync(ProbeRequest request, Socket connected, ProbeContext context, string marker, CancellationToken ct);
}

/// <summary>What an exchange found.</summary>
internal sealed record ExchangeOutcome(ProbeVerdict Verdict, string Detail, string? Marker = null, int? HttpStatus = null, string? Body = null)
{
    public static ExchangeOutcome Allowed(string detail, string? marker = null, int? httpStatus = null, string? body = null) =>
        new(ProbeVerdict.Allowed, detail, marker, httpStatus, body);

    public static ExchangeOutcome Broken(string detail, string? marker = null, int? httpStatus = null) =>
        new(ProbeVerdict.Broken, detail, marker, httpStatus);
}
