using System.Net;
using System.Net.Sockets;

namespace Cryptshare.Topology.Oracle;

/// <summary>Where the firewall host sends a destination, and which address an interface carries.</summary>
public interface IPacketRouting
{
    /// <summary>The route for a destination: null when there is none.</summary>
    RouteDecision? Route(IPAddress destination);

    /// <summary>The firewall's own address on an interface in an address family (for masquerade and redirect), or null.</summary>
    IPAddress? AddressOf(string interfaceName, AddressFamily family);

    /// <summary>
    /// The kernel's route type of an address as <c>fib saddr type</c> / <c>fib daddr type</c> read it
    /// (its local table: <c>local</c>, <c>broadcast</c>, else <c>unicast</c>), as nft's name; null when
    /// this routing cannot tell.
    /// </summary>
    string? AddressType(IPAddress address) => null;
}

/// <summary>A route: delivered to the box itself, or out of an interface.</summary>
public sealed record RouteDecision(bool IsLocal, string OutputInterface)
{
    public static RouteDecision Local { get; } = new(true, "");

    public static RouteDecision Via(string outputInterface) => new(false, outputInterface);
}

/// <summary>
/// A routing table for the oracle: the firewall's addresses per interface (local delivery) and the
/// prefixes reachable through each interface (longest prefix wins).
/// </summary>
public sealed class StaticRouting : IPacketRouting
{
    private readonly List<(string Interface, IPAddress Address)> _local = [];
    private readonly List<(IPNetwork Network, string Interface)> _routes = [];

    /// <summary>The firewall carries <paramref name="address"/> on <paramref name="interfaceName"/>.</summary>
    public StaticRouting WithInterfaceAddress(string interfaceName, IPAddress address)
    {
        _local.Add((interfaceName, address));
        return this;
    }

    /// <summary>Destinations in <paramref name="network"/> leave by <paramref name="interfaceName"/>.</summary>
    public StaticRouting WithRoute(IPNetwork network, string interfaceName)
    {
        _routes.Add((network, interfaceName));
        return this;
    }

    /// <summary>An interface with its address and its directly connected network.</summary>
    public StaticRouting WithInterface(string interfaceName, IPAddress address, int prefixLength) =>
        WithInterfaceAddress(interfaceName, address).WithRoute(NetworkOf(address, prefixLength), interfaceName);

    public RouteDecision? Route(IPAddress destination)
    {
        if (_local.Any(l => l.Address.Equals(destination)) || IPAddress.IsLoopback(destination))
        {
            return RouteDecision.Local;
        }

        var best = _routes
            .Where(r => r.Network.BaseAddress.AddressFamily == destination.AddressFamily && r.Network.Contains(destination))
            .OrderByDescending(r => r.Network.PrefixLength)
            .Select(r => r.Interface)
            .FirstOrDefault();
        return best is null ? null : RouteDecision.Via(best);
    }

    public IPAddress? AddressOf(string interfaceName, AddressFamily family) =>
        _local.Where(l => l.Interface == interfaceName && l.Address.AddressFamily == family).Select(l => l.Address).FirstOrDefault();

    /// <summary>
    /// IPv4 only: the kernel's local table holds the firewall's own addresses (<c>local</c>) and the
    /// broadcast address of each network it is on (<c>broadcast</c>); any other address is
    /// <c>unicast</c>. A network's own base address is left unknown (kernels differ on whether it
    /// is a broadcast route).
    /// </summary>
    public string? AddressType(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            return null;
        }

        if (_local.Any(l => l.Address.Equals(address)))
        {
            return "local";
        }

        foreach (var (network, name) in _routes.Where(r => r.Network.BaseAddress.AddressFamily == AddressFamily.InterNetwork && r.Network.PrefixLength < 31))
        {
            if (!_local.Any(l => l.Interface == name && network.Contains(l.Address)) || !network.Contains(address))
            {
                continue;
            }

            var value = Number(network.BaseAddress);
            var last = value | (uint.MaxValue >> network.PrefixLength);
            var number = Number(address);
            if (number == last)
            {
                return "broadcast";
            }

            if (number == value)
            {
                return null;
            }
        }

        return "unicast";
    }

    private static uint Number(IPAddress v4) => System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(v4.GetAddressBytes());

    /// <summary>The network an address belongs to (IPNetwork refuses a base address with host bits set).</summary>
    private static IPNetwork NetworkOf(IPAddress address, int prefixLength)
    {
        var bytes = address.GetAddressBytes();
        for (var bit = prefixLength; bit < bytes.Length * 8; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }

        return new IPNetwork(new IPAddress(bytes), prefixLength);
    }
}
