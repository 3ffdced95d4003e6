using System.Net;
using System.Net.Sockets;

namespace Cryptshare.Topology.Probe.Connecting;

/// <summary>One hop of a path: who answered a SYN with this TTL (a router's time-exceeded, or the destination), or null for silence.</summary>
internal sealed record HopSeen(int Ttl, IPAddress? Address, string? Note);

/// <summary>
/// Where a blocked flow's packets get to: SYNs to the flow's own address and port (never anywhere
/// else) with TTL 1, 2, 3 …; each router on the way answers with ICMP time-exceeded, which the
/// kernel queues on the socket (<see cref="IcmpErrorQueue"/>) beside the connect's EHOSTUNREACH.
/// Stops at the destination's answer, at an ICMP that is not time-exceeded (its sender refused the
/// SYN), or at the first silent hop (the packet is lost there or after it): a few short connects,
/// only for flows that were dropped or refused. Linux and IPv4 only, like the ICMP queue.
/// </summary>
internal static class HopProbe
{
    public const int MaxHops = 8;

    private const byte TimeExceeded = 11;

    public static bool Available => OperatingSystem.IsLinux();

    public static async Task<IReadOnlyList<HopSeen>> TraceAsync(IPEndPoint destination, int timeoutMs, CancellationToken ct)
    {
        if (!Available || destination.AddressFamily != AddressFamily.InterNetwork)
        {
            return [];
        }

        var hops = new List<HopSeen>();
        for (var ttl = 1; ttl <= MaxHops; ttl++)
        {
            var hop = await HopAsync(destination, ttl, timeoutMs, ct);
            hops.Add(hop);
            if (hop.Address is null || hop.Note is not null)
            {
                break;
            }
        }

        return hops;
    }

    /// <summary>One SYN with this TTL; a hop whose <see cref="HopSeen.Note"/> is set ends the path.</summary>
    private static async Task<HopSeen> HopAsync(IPEndPoint destination, int ttl, int timeoutMs, CancellationToken ct)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { Ttl = (short)ttl };
        IcmpErrorQueue.Enable(socket);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(timeoutMs);
        try
        {
            await socket.ConnectAsync(destination, timeout.Token);
            return new HopSeen(ttl, destination.Address, "the destination answered");
        }
        catch (Exception e) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested && e is OperationCanceledException or SocketException { SocketErrorCode: SocketError.OperationAborted })
        {
            return new HopSeen(ttl, null, null);
        }
        catch (SocketException e)
        {
            var icmp = IcmpErrorQueue.Read(socket);
            return icmp switch
            {
                { Type: TimeExceeded } => new HopSeen(ttl, icmp.Sender, null),
                not null => new HopSeen(ttl, icmp.Sender, icmp.Describe()),
                _ when e.SocketErrorCode == SocketError.ConnectionRefused => new HopSeen(ttl, destination.Address, "TCP RST"),
                _ => new HopSeen(ttl, null, $"connect failed: {e.SocketErrorCode}"),
            };
        }
    }
}
