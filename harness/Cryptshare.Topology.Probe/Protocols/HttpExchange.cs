using System.Net;
using System.Net.Sockets;
using Cryptshare.Topology.Probe.Security;
using Cryptshare.Topology.Probing;

namespace Cryptshare.Topology.Probe.Protocols;

/// <summary>
/// GET over the agent's own connection: HttpClient gets the connected socket through
/// <see cref="SocketsHttpHandler.ConnectCallback"/>, so the request travels on the connection whose
/// connect was classified. Allowed when any status line comes back; the status is recorded.
/// </summary>
internal abstract class HttpExchange : IProtocolProbe
{
    public const string MarkerHeader = "X-Ctt-Probe";

    public abstract ProbeProtocol Protocol { get; }

    protected abstract bool UsesTls { get; }

    public virtual string? Invalid(ProbeRequest request, ProbeContext context)
    {
        if (request.Options?.Path is { } path && !path.StartsWith('/'))
        {
            return $"options.path must start with '/': {path}";
        }

        return UsesTls && context.Trust is null ? $"{Protocol.ToString().ToLowerInvariant()} needs the batch's caPem" : null;
    }

    public async Task<ExchangeOutcome> ExchangeAsync(ProbeRequest request, Socket connected, ProbeContext context, string marker, CancellationToken ct)
    {
        var check = new TlsCheck();
        var stream = new NetworkStream(connected, ownsSocket: true);
        var handedOut = 0;
        using var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            ConnectCallback = (_, _) => Interlocked.Exchange(ref handedOut, 1) == 0
                ? ValueTask.FromResult<Stream>(stream)
                : throw new HttpRequestException("the server closed the probe's connection before answering"),
        };
        if (UsesTls)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = context.Trust!.CallbackFor(check, ProbeContext.ServerName(request));
            handler.SslOptions.CertificateChainPolicy = HarnessTrust.OfflineChainPolicy();
        }

        using var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        using var message = new HttpRequestMessage(HttpMethod.Get, RequestUri(request));
        message.Headers.TryAddWithoutValidation(MarkerHeader, marker);
        foreach (var (name, value) in request.Options?.Headers ?? new Dictionary<string, string>())
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        try
        {
            using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, ct);
            var status = (int)response.StatusCode;
            var body = request.Options?.ReadBody == true ? await ReadBodyStartAsync(response, ct) : null;
            return ExchangeOutcome.Allowed($"HTTP {status} {response.ReasonPhrase}".TrimEnd(), marker, status, body);
        }
        catch (HttpRequestException) when (check.Failure is not null)
        {
            return ExchangeOutcome.Broken($"TLS: {check.Failure}", marker);
        }
        catch (HttpRequestException e)
        {
            return ExchangeOutcome.Broken($"{Protocol.ToString().ToUpperInvariant()}: {Innermost(e).Message}", marker);
        }
    }

    /// <summary>The first <see cref="ProbeResult.MaxBodyLength"/> characters of the body, as text (a JSON answer, an error page).</summary>
    private static async Task<string> ReadBodyStartAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var content = await response.Content.ReadAsStreamAsync(ct);
        using var reader = new StreamReader(content, System.Text.Encoding.UTF8);
        var buffer = new char[ProbeResult.MaxBodyLength];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await reader.ReadAsync(buffer.AsMemory(read), ct);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return new string(buffer, 0, read);
    }

    private Uri RequestUri(ProbeRequest request)
    {
        var host = request.TlsName ?? request.Address;
        if (IPAddress.TryParse(host, out var literal) && literal.AddressFamily == AddressFamily.InterNetworkV6)
        {
            host = $"[{host}]";
        }

        return new Uri($"{(UsesTls ? "https" : "http")}://{host}:{request.Port}{request.Options?.Path ?? "/"}");
    }

    private static Exception Innermost(Exception e) => e.InnerException is null ? e : Innermost(e.InnerException);
}
