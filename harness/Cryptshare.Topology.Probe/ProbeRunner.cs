using System.Diagnostics;
using System.Net;
using Cryptshare.Topology.Probe.Connecting;
using Cryptshare.Topology.Probe.Protocols;
using Cryptshare.Topology.Probing;

namespace Cryptshare.Topology.Probe;

/// <summary>
/// One probe, start to verdict: check the request, make and classify the TCP connect, hand the
/// connection to the protocol, bound the exchange by its timeout, and scrub the detail.
/// </summary>
internal sealed class ProbeRunner(ProbeContext context)
{
    private readonly TcpConnector _connector = new(new RouteInspector());

    /// <param name="stop">The harness's evidence of a drop for this probe, when it follows a trace (see <see cref="TraceStop"/>).</param>
    public async Task<ProbeResult> RunAsync(ProbeRequest request, CancellationToken ct, TraceStop? stop = null)
    {
        var clock = new PhaseClock();
        var outcome = await OutcomeAsync(request, clock, stop, ct);
        var detail = context.Scrubber.Scrub(outcome.Detail.ReplaceLineEndings(" "));
        var body = outcome.Body is null ? null : context.Scrubber.Scrub(outcome.Body);
        return ProbeResult.For(request, outcome.Verdict, clock.TotalMs, detail, outcome.Marker, outcome.HttpStatus, body, clock.ConnectMs, clock.ExchangeMs);
    }

    private async Task<ExchangeOutcome> OutcomeAsync(ProbeRequest request, PhaseClock clock, TraceStop? stop, CancellationToken ct)
    {
        var protocol = ProtocolCatalog.For(request.Protocol);
        var invalid = Invalid(request) ?? protocol.Invalid(request, context);
        if (invalid is not null)
        {
            return ExchangeOutcome.Broken($"invalid probe request: {invalid}");
        }

        var connect = await _connector.ConnectAsync(new IPEndPoint(IPAddress.Parse(request.Address), request.Port), request.TimeoutMs, ct, stop);
        clock.Connected();
        if (connect.Socket is null)
        {
            return new ExchangeOutcome(connect.Verdict, connect.Detail);
        }

        var marker = ProbeMarker.For(request);
        var budget = ProbeContext.ExchangeTimeout(request);
        using var exchangeTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        exchangeTimeout.CancelAfter(budget);
        try
        {
            return await protocol.ExchangeAsync(request, connect.Socket, context, marker, exchangeTimeout.Token);
        }
        catch (Exception) when (exchangeTimeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return ExchangeOutcome.Broken($"connected, but no complete {Name(request)} exchange within {budget.TotalMilliseconds:0} ms", Delivering(request) ? marker : null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return ExchangeOutcome.Broken($"{Name(request)}: {e.GetType().Name}: {e.Message}", Delivering(request) ? marker : null);
        }
        finally
        {
            clock.Exchanged();
            connect.Socket.Dispose();
        }
    }

    /// <summary>The connect's time and the exchange's time of one probe, apart (report.json shows both).</summary>
    private sealed class PhaseClock
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();

        public long? ConnectMs { get; private set; }

        public long? ExchangeMs { get; private set; }

        public long TotalMs => _clock.ElapsedMilliseconds;

        public void Connected() => ConnectMs = _clock.ElapsedMilliseconds;

        public void Exchanged() => ExchangeMs = _clock.ElapsedMilliseconds - ConnectMs;
    }

    /// <summary>What no protocol can work with.</summary>
    private static string? Invalid(ProbeRequest request)
    {
        if (!IPAddress.TryParse(request.Address, out _))
        {
            return $"address '{request.Address}' is not an IP address";
        }

        if (request.Port is < 1 or > 65535)
        {
            return $"port {request.Port} is out of range";
        }

        if (request.TimeoutMs < 1 || request.ExchangeTimeoutMs is < 1)
        {
            return "timeouts must be positive";
        }

        return null;
    }

    private static string Name(ProbeRequest request) => request.Protocol.ToString().ToLowerInvariant();

    /// <summary>Whether the protocol delivers something the marker names, so a broken probe still reports it.</summary>
    private static bool Delivering(ProbeRequest request) => request.Protocol is not (ProbeProtocol.Tcp or ProbeProtocol.Ldap or ProbeProtocol.Ldaps or ProbeProtocol.Ssh);
}
