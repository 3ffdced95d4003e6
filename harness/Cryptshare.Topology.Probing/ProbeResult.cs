namespace Cryptshare.Topology.Probing;

/// <summary>
/// One line the probe agent prints on stdout, as soon as its probe completes. The first fields echo
/// the request, so results can be matched whatever order they arrive in.
/// </summary>
/// <param name="ElapsedMs">From the start of the connect to the verdict.</param>
/// <param name="Detail">Why: the HTTP status, the server's reply, the ICMP that came back, the TLS error, … Never holds a secret.</param>
/// <param name="Marker">
/// A token unique to this probe that the delivery carries, so the harness can confirm it arrived:
/// the mail's subject (smtp, smtps, submission), the uploaded file's name (scp), the X-Ctt-Probe
/// request header (http, https). Absent where nothing is delivered.
/// </param>
/// <param name="HttpStatus">http, https: the status code that came back.</param>
/// <param name="Body">http, https with <c>options.readBody</c>: the start of the response body, scrubbed like the detail.</param>
/// <param name="ConnectMs">How long the TCP connect took, to success or to its verdict (absent from older agents).</param>
/// <param name="ExchangeMs">How long the protocol exchange took after the connect; absent when there was none.</param>
public sealed record ProbeResult(
    string Flow,
    string Source,
    string Destination,
    string Address,
    int Port,
    ProbeProtocol Protocol,
    ProbeVerdict Verdict,
    long ElapsedMs,
    string Detail,
    string? Marker = null,
    int? HttpStatus = null,
    string? Body = null,
    long? ConnectMs = null,
    long? ExchangeMs = null)
{
    /// <summary>How much of a response body a probe returns at most (characters).</summary>
    public const int MaxBodyLength = 4096;

    /// <summary>A result that echoes the request it answers.</summary>
    public static ProbeResult For(ProbeRequest request, ProbeVerdict verdict, long elapsedMs, string detail, string? marker = null, int? httpStatus = null, string? body = null,
        long? connectMs = null, long? exchangeMs = null) =>
        new(request.Flow, request.Source, request.Destination, request.Address, request.Port, request.Protocol, verdict, elapsedMs, detail, marker, httpStatus, body, connectMs, exchangeMs);
}
