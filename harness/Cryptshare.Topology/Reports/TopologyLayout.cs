using Cryptshare.Topology.Model;

namespace Cryptshare.Topology.Reports;

/// <summary>An axis-aligned box in SVG user units.</summary>
public readonly record struct Box(int X, int Y, int Width, int Height)
{
    public int Right => X + Width;

    public int Bottom => Y + Height;

    public int CentreX => X + (Width / 2);

    public int CentreY => Y + (Height / 2);
}

/// <summary>Which side of the firewall a zone is drawn on.</summary>
public enum Side
{
    Left,
    Right,
}

/// <summary>
/// Where everything of a topology picture goes, deterministically: zones in file order alternate
/// left and right of the firewall, each zone a column of hosts (one per row, so that every host's
/// inner edge faces the firewall and arrows never cross a host), the firewall in the middle as tall
/// as the taller column. A host grows with the number of arrows that start or end at it.
/// </summary>
public sealed class TopologyLayout
{
    public const int Margin = 20;
    public const int TitleHeight = 56;
    public const int HostWidth = 230;
    public const int HostMinHeight = 58;
    public const int HostGap = 12;
    public const int ZonePadding = 14;
    public const int ZoneHeader = 46;
    public const int ZoneGap = 26;
    public const int Channel = 190;
    public const int FirewallWidth = 180;
    public const int FirewallHeader = 48;
    public const int ZoneWidth = HostWidth + (2 * ZonePadding);

    private readonly Dictionary<string, Box> _zones = [];
    private readonly Dictionary<string, Box> _hosts = [];
    private readonly Dictionary<string, Side> _sides = [];

    public TopologyLayout(TopologyDefinition topology, IReadOnlyDictionary<string, int>? arrowsPerHost = null)
    {
        var top = Margin + TitleHeight;

        // Zones start below the firewall's own heading, so its interface labels stand clear of it.
        var bottoms = new Dictionary<Side, int> { [Side.Left] = top + FirewallHeader, [Side.Right] = top + FirewallHeader };
        var firewallX = Margin + ZoneWidth + Channel;
        for (var i = 0; i < topology.Zones.Count; i++)
        {
            var zone = topology.Zones[i];
            var side = i % 2 == 0 ? Side.Left : Side.Right;
            var x = side == Side.Left ? Margin : firewallX + FirewallWidth + Channel;
            var y = bottoms[side];
            var hostY = y + ZoneHeader;
            foreach (var host in topology.Hosts.Where(h => h.Zone == zone.Name))
            {
                var arrows = arrowsPerHost?.GetValueOrDefault(host.Name) ?? 0;
                var height = Math.Max(HostMinHeight, 16 + (5 * arrows));
                _hosts[host.Name] = new Box(x + ZonePadding, hostY, HostWidth, height);
                _sides[host.Name] = side;
                hostY += height + HostGap;
            }

            var zoneBottom = Math.Max(hostY - HostGap + ZonePadding, y + ZoneHeader + 20);
            _zones[zone.Name] = new Box(x, y, ZoneWidth, zoneBottom - y);
            _sides["zone:" + zone.Name] = side;
            bottoms[side] = zoneBottom + ZoneGap;
        }

        var contentBottom = Math.Max(bottoms[Side.Left], bottoms[Side.Right]) - ZoneGap;
        Firewall = new Box(firewallX, top, FirewallWidth, Math.Max(contentBottom - top, 240));
        Width = firewallX + FirewallWidth + Channel + ZoneWidth + Margin;
        ContentBottom = Firewall.Bottom;
    }

    public Box Firewall { get; }

    public int Width { get; }

    /// <summary>The lowest point of zones and firewall; the legend goes below.</summary>
    public int ContentBottom { get; }

    public Box Zone(string name) => _zones[name];

    public Box? Host(string name) => _hosts.TryGetValue(name, out var box) ? box : null;

    public Side SideOfHost(string name) => _sides[name];

    public Side SideOfZone(string name) => _sides["zone:" + name];

    /// <summary>The x of a host's edge that faces the firewall.</summary>
    public int InnerEdge(string host) => SideOfHost(host) == Side.Left ? _hosts[host].Right : _hosts[host].X;

    /// <summary>
    /// The host a flow report's <c>from</c> stands for: a zone of that name or, failing that, a zone
    /// role (the probe source of <see cref="TopologyDefinition.ProbeSource"/>).
    /// </summary>
    public static HostDefinition? SourceHost(TopologyDefinition topology, string from)
    {
        if (topology.Zones.FirstOrDefault(z => z.Name == from) is { } zone)
        {
            return zone.Role == ZoneRoles.Dmz
                ? topology.Hosts.FirstOrDefault(h => h.Kind == HostKinds.CryptshareServer && h.Zone == zone.Name) ?? topology.ProbeSource(zone.Role)
                : topology.Hosts.FirstOrDefault(h => h.Kind == HostKinds.Client && h.Zone == zone.Name);
        }

        return ZoneRoles.All.Contains(from) ? topology.ProbeSource(from) : null;
    }

    /// <summary>The host a flow report's <c>to</c> names, by name or by address.</summary>
    public static HostDefinition? DestinationHost(TopologyDefinition topology, string to) =>
        topology.Hosts.FirstOrDefault(h => h.Name == to) ?? topology.Hosts.FirstOrDefault(h => h.Address.ToString() == to);
}
