using System.Net;
using System.Net.Sockets;
using Cryptshare.Topology.Probing;

namespace Cryptshare.Topology.Probe.Connecting;

/// <summary>
/// The TCP connect every probe starts with, and the verdict when it fails:
/// <list type="bullet">
/// <item>no SYN-ACK before the timeout → dropped (unless the next hop never answered ARP: unroutable);</item>
/// <item>RST, or ICMP unreachable from the path (port-unreachable, admin-prohibited, …) → rejected;</item>
/// <item>no route in this host's own table, or an unreachable this host generated itself after a failed ARP → unroutable;</item>
/// <item>EPERM from this host's own output filter → rejected.</item>
/// </list>
/// </summary>
internal sealed class TcpConnector(RouteInspector routes)
{
    /// <summary>
    /// A router that cannot resolve the destination on its own segment answers with ICMP
    /// host-unreachable once its ARP gives up: three solicitations a second apart, so about 3 s
    /// after the SYN. A reject rule answers within milliseconds. An unreachable this late is the
    /// topology missing a host, not a rule.
    /// </summary>
    public static readonly TimeSpan RouterArpFailureAfter = TimeSpan.FromMilliseconds(2500);

    /// <param name="stop">
    /// When given, the harness may end the wait early with evidence from a firewall's trace that the
    /// connection was dropped (<see cref="TraceStop"/>); without that word the full timeout applies.
    /// </param>
    public async Task<ConnectOutcome> ConnectAsync(IPEndPoint remote, int timeoutMs, CancellationToken ct, TraceStop? stop = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var socket = new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        IcmpErrorQueue.Enable(socket);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct, stop?.Token ?? CancellationToken.None);
        timeout.CancelAfter(timeoutMs);
        try
        {
            await socket.ConnectAsync(remote, timeout.Token);
            return ConnectOutcome.Connected(socket);
        }
        catch (Exception e) when (stop?.Evidence is { } evidence && IsTimeout(e, true) && !ct.IsCancellationRequested)
        {
            socket.Dispose();
            return ConnectOutcome.Failed(ProbeVerdict.Dropped, $"no SYN-ACK; after {clock.ElapsedMilliseconds} ms the firewall's trace showed why: {evidence}");
        }
        catch (Exception e) when (IsTimeout(e, timeout.IsCancellationRequested) && !ct.IsCancellationRequested)
        {
            socket.Dispose();
            return await ClassifyTimeoutAsync(remote.Address, timeoutMs, ct);
        }
        catch (SocketException e)
        {
            // Read the queue before the socket goes: it is the only place the ICMP's sender is kept.
            var icmp = IcmpErrorQueue.Read(socket);
            socket.Dispose();
            return await ClassifyErrorAsync(e.SocketErrorCode, icmp, remote.Address, clock.Elapsed, ct);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static bool IsTimeout(Exception e, bool timeoutFired) =>
        timeoutFired && (e is OperationCanceledException || e is SocketException { SocketErrorCode: SocketError.OperationAborted });

    private async Task<ConnectOutcome> ClassifyTimeoutAsync(IPAddress address, int timeoutMs, CancellationToken ct)
    {
        // A firewall that drops still answers ARP; silence at layer 2 means the segment lacks the
        // next hop (the destination, or the firewall), which is the harness's own fault.
        var facts = await routes.InspectAsync(address, ct);
        if (facts is { NextHopSilent: true })
        {
            return ConnectOutcome.Failed(ProbeVerdict.Unroutable, NextHopSilent(facts));
        }

        return ConnectOutcome.Failed(ProbeVerdict.Dropped, $"no answer to the SYN within {timeoutMs} ms");
    }

    private async Task<ConnectOutcome> ClassifyErrorAsync(SocketError error, IcmpReport? icmp, IPAddress address, TimeSpan after, CancellationToken ct)
    {
        switch (error)
        {
            case SocketError.ConnectionRefused:
                return ConnectOutcome.Failed(ProbeVerdict.Rejected, icmp is null ? "TCP RST (connection refused)" : icmp.Describe());

            case SocketError.HostUnreachable:
            case SocketError.NetworkUnreachable:
                if (icmp is { FromThisHost: false, IsUnreachable: true } && after >= RouterArpFailureAfter)
                {
                    return ConnectOutcome.Failed(ProbeVerdict.Unroutable,
                        $"{icmp.Describe()} after {after.TotalMilliseconds:0} ms: that router's ARP for the destination failed (a reject rule answers at once), so the host is missing behind it");
                }

                if (icmp is { FromThisHost: false })
                {
                    return ConnectOutcome.Failed(ProbeVerdict.Rejected, icmp.Describe());
                }

                var facts = await routes.InspectAsync(address, ct);
                if (facts is { HasRoute: false })
                {
                    return ConnectOutcome.Failed(ProbeVerdict.Unroutable, $"no route to {address} in the source's routing table ({facts.RouteError})");
                }

                if (icmp is { FromThisHost: true } || facts is { NextHopSilent: true })
                {
                    var reporter = icmp is { FromThisHost: true } ? $"this host itself sent {icmp.Describe()}" : Errno(error);
                    return ConnectOutcome.Failed(ProbeVerdict.Unroutable, facts is null ? $"{reporter}: a failed ARP" : $"{NextHopSilent(facts)} ({reporter})");
                }

                return ConnectOutcome.Failed(ProbeVerdict.Rejected, $"{Errno(error)}: an ICMP unreachable came back from the path");

            case SocketError.AccessDenied:
                return ConnectOutcome.Failed(ProbeVerdict.Rejected, "the source host's own packet filter refused the SYN (EPERM)");

            case SocketError.TimedOut:
                return ConnectOutcome.Failed(ProbeVerdict.Dropped, "the kernel gave up waiting for a SYN-ACK (ETIMEDOUT)");

            default:
                return ConnectOutcome.Failed(ProbeVerdict.Broken, $"connect failed: {Errno(error)}");
        }
    }

    private static string NextHopSilent(RouteFacts facts) =>
        $"next hop {facts.NextHop} on {facts.Device} does not answer ARP ({facts.NeighbourState}): the destination or the firewall is missing from the segment";

    private static string Errno(SocketError error) => error switch
    {
        SocketError.HostUnreachable => "EHOSTUNREACH",
        SocketError.NetworkUnreachable => "ENETUNREACH",
        _ => error.ToString(),
    };
}
