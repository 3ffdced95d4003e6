using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Cryptshare.Topology.Model;

namespace Cryptshare.Topology.Reports;

/// <summary>
/// The topology as an SVG picture: zones as labelled boxes with their subnets, hosts with name,
/// address and kind, the firewall in the middle with its interface in every zone and — given a rule
/// set's report — every probed flow as an arrow from its source host through the firewall to its
/// destination host, coloured by the observed verdict (dashed where it differs from the expected
/// one), with a legend. Self-contained (no fonts, images or scripts from anywhere) and
/// deterministic: the same input gives the same bytes.
/// </summary>
public static class TopologySvg
{
    public const string FileName = "topology.svg";

    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private const int LegendHeight = 76;
    private const string Font = "DejaVu Sans, Liberation Sans, Arial, sans-serif";

    /// <summary>The picture as an &lt;svg&gt; element (for embedding in HTML, or a file).</summary>
    public static XElement Build(TopologyDefinition topology, RuleSetReport? ruleSet = null)
    {
        var flows = ruleSet?.Flows ?? [];
        var ends = flows.Select(f => (Flow: f, Source: TopologyLayout.SourceHost(topology, f.From), Destination: TopologyLayout.DestinationHost(topology, f.To))).ToList();
        var arrowsPerHost = ends.SelectMany(e => new[] { e.Source?.Name, e.Destination?.Name })
            .OfType<string>()
            .GroupBy(n => n)
            .ToDictionary(g => g.Key, g => g.Count());
        var layout = new TopologyLayout(topology, arrowsPerHost);
        // The legend explains arrows: a picture of the topology alone has none.
        var height = layout.ContentBottom + TopologyLayout.Margin + (ruleSet is null ? 0 : LegendHeight);

        var svg = new XElement(Svg + "svg",
            new XAttribute("width", layout.Width),
            new XAttribute("height", height),
            new XAttribute("viewBox", $"0 0 {layout.Width} {height}"),
            new XAttribute("font-family", Font),
            new XAttribute("role", "img"),
            new XAttribute("class", "topology"),
            new XAttribute("data-flows", flows.Count),
            new XElement(Svg + "title", Title(topology, ruleSet)),
            Markers(),
            new XElement(Svg + "rect", new XAttribute("width", layout.Width), new XAttribute("height", height), new XAttribute("fill", "#ffffff")),
            Heading(topology, ruleSet));

        foreach (var zone in topology.Zones)
        {
            svg.Add(Zone(zone, layout));
        }

        var routes = Routes(ends, layout);
        svg.Add(InterfaceLinks(topology, layout));
        svg.Add(Arrows(routes));
        svg.Add(Firewall(topology, layout));
        svg.Add(ArrowLabels(routes, layout));
        foreach (var host in topology.Hosts)
        {
            svg.Add(Host(host, layout));
        }

        if (ruleSet is not null)
        {
            svg.Add(Legend(layout));
        }

        return svg;
    }

    /// <summary>The picture as a standalone SVG file's text (UTF-8).</summary>
    public static string Render(TopologyDefinition topology, RuleSetReport? ruleSet = null)
    {
        using var stream = new MemoryStream();
        var settings = new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false) };
        using (var writer = XmlWriter.Create(stream, settings))
        {
            new XDocument(Build(topology, ruleSet)).Save(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static void Write(string path, TopologyDefinition topology, RuleSetReport? ruleSet = null) =>
        File.WriteAllText(path, Render(topology, ruleSet), new UTF8Encoding(false));

    private static string Title(TopologyDefinition topology, RuleSetReport? ruleSet) =>
        ruleSet is null ? $"Topology {topology.Name}" : $"Topology {topology.Name} under rule set {ruleSet.Name}";

    private static XElement Heading(TopologyDefinition topology, RuleSetReport? ruleSet)
    {
        var sub = ruleSet is null
            ? $"{topology.Zones.Count} zones, {topology.Hosts.Count} hosts; every path between zones goes through the firewall"
            : $"{ruleSet.Flows.Count} probed flows, {ruleSet.Flows.Count(f => f.Matches)} as expected, {ruleSet.Flows.Count(f => !f.Matches)} not";
        return new XElement(Svg + "g", new XAttribute("class", "heading"),
            Text(TopologyLayout.Margin, TopologyLayout.Margin + 18, Title(topology, ruleSet), 18, "bold"),
            Text(TopologyLayout.Margin, TopologyLayout.Margin + 38, sub, 12, fill: "#444444"));
    }

    private static XElement Markers()
    {
        var defs = new XElement(Svg + "defs");
        foreach (var verdict in Enum.GetValues<Verdict>())
        {
            defs.Add(new XElement(Svg + "marker",
                new XAttribute("id", MarkerId(verdict)),
                new XAttribute("viewBox", "0 0 10 10"),
                new XAttribute("refX", 9),
                new XAttribute("refY", 5),
                new XAttribute("markerWidth", 5),
                new XAttribute("markerHeight", 5),
                new XAttribute("orient", "auto"),
                new XElement(Svg + "path", new XAttribute("d", "M 0 0 L 10 5 L 0 10 z"), new XAttribute("fill", VerdictColours.Of(verdict)))));
        }

        return defs;
    }

    private static XElement Zone(ZoneDefinition zone, TopologyLayout layout)
    {
        var box = layout.Zone(zone.Name);
        var role = zone.Role == zone.Name ? string.Empty : $" ({zone.Role})";
        return new XElement(Svg + "g",
            new XAttribute("class", "zone"),
            new XAttribute("data-zone", zone.Name),
            new XAttribute("data-role", zone.Role),
            Rect(box, ZoneFill(zone.Role), "#607d8b", 10, dash: "5 3"),
            Text(box.X + 12, box.Y + 20, $"zone {zone.Name}{role}", 14, "bold"),
            Text(box.X + 12, box.Y + 36, zone.Subnet.ToString(), 12, fill: "#37474f"));
    }

    private static XElement Host(HostDefinition host, TopologyLayout layout)
    {
        var box = layout.Host(host.Name)!.Value;
        return new XElement(Svg + "g",
            new XAttribute("class", "host"),
            new XAttribute("data-host", host.Name),
            new XAttribute("data-kind", host.Kind),
            Rect(box, host.Kind == HostKinds.CryptshareServer ? "#dbeafe" : "#ffffff", "#455a64", 6),
            Text(box.X + 10, box.Y + 19, host.Name, 13, "bold"),
            Text(box.X + 10, box.Y + 35, host.Address.ToString(), 12),
            Text(box.X + 10, box.Y + 50, host.Kind, 11, fill: "#546e7a"));
    }

    private static XElement Firewall(TopologyDefinition topology, TopologyLayout layout)
    {
        var box = layout.Firewall;
        var group = new XElement(Svg + "g",
            new XAttribute("class", "firewall"),
            Rect(box, "#eceff1", "#263238", 8, strokeWidth: 2),
            Text(box.CentreX, box.Y + 22, "firewall", 15, "bold", anchor: "middle"),
            Text(box.CentreX, box.Y + 38, "nftables, routes all zones", 10, anchor: "middle", fill: "#455a64"));
        foreach (var zone in topology.Zones)
        {
            var y = InterfaceY(layout, zone);
            var left = layout.SideOfZone(zone.Name) == Side.Left;
            var x = left ? box.X + 8 : box.Right - 8;
            var anchor = left ? "start" : "end";
            group.Add(new XElement(Svg + "g",
                new XAttribute("class", "interface"),
                new XAttribute("data-interface", zone.Name),
                Text(x, y - 2, zone.Name, 11, "bold", anchor: anchor),
                Text(x, y + 11, zone.FirewallAddress.ToString(), 10, anchor: anchor, fill: "#37474f")));
        }

        return group;
    }

    /// <summary>A thick band from each zone to the firewall: the zone's network, the firewall's interface on it.</summary>
    private static XElement InterfaceLinks(TopologyDefinition topology, TopologyLayout layout)
    {
        var group = new XElement(Svg + "g", new XAttribute("class", "interfaces"));
        foreach (var zone in topology.Zones)
        {
            var box = layout.Zone(zone.Name);
            var y = InterfaceY(layout, zone);
            var (from, to) = layout.SideOfZone(zone.Name) == Side.Left ? (box.Right, layout.Firewall.X) : (layout.Firewall.Right, box.X);
            group.Add(new XElement(Svg + "line",
                new XAttribute("x1", from), new XAttribute("y1", y), new XAttribute("x2", to), new XAttribute("y2", y),
                new XAttribute("stroke", "#cfd8dc"), new XAttribute("stroke-width", 8)));
        }

        return group;
    }

    private static int InterfaceY(TopologyLayout layout, ZoneDefinition zone) =>
        layout.Zone(zone.Name).Y + (layout.SideOfZone(zone.Name) == Side.Left ? 24 : 30);

    private static XElement Arrows(IReadOnlyList<Route> routes)
    {
        var group = new XElement(Svg + "g", new XAttribute("class", "flows"), new XAttribute("fill", "none"));
        foreach (var route in routes)
        {
            var flow = route.Flow;
            group.Add(new XElement(Svg + "g",
                new XAttribute("class", "flow"),
                new XAttribute("data-flow", flow.Id),
                new XAttribute("data-from", flow.From),
                new XAttribute("data-to", flow.To),
                new XAttribute("data-port", flow.Port),
                new XAttribute("data-observed", flow.Observed.ToWord()),
                new XAttribute("data-expected", flow.Expected?.ToWord() ?? string.Empty),
                new XAttribute("data-matches", flow.Matches ? "true" : "false"),
                new XElement(Svg + "title", XmlText.Clean(
                    $"{flow.Id} from {flow.From} to {flow.To}:{flow.Port}: {flow.Observed.ToWord()}" +
                    (flow.Expected is { } expected ? $" (expected {expected.ToWord()})" : string.Empty))),
                new XElement(Svg + "path",
                    new XAttribute("class", "flow-arrow"),
                    new XAttribute("d", route.Path),
                    new XAttribute("stroke", VerdictColours.Of(flow.Observed)),
                    new XAttribute("stroke-width", 2),
                    flow.Matches ? null : new XAttribute("stroke-dasharray", "7 4"),
                    new XAttribute("marker-end", $"url(#{MarkerId(flow.Observed)})"))));
        }

        return group;
    }

    /// <summary>The flow's name and port where its arrow enters the firewall, drawn above the firewall so it stays legible.</summary>
    private static XElement ArrowLabels(IReadOnlyList<Route> routes, TopologyLayout layout)
    {
        var group = new XElement(Svg + "g", new XAttribute("class", "flow-labels"));
        foreach (var route in routes)
        {
            var left = route.EntrySide == Side.Left;
            var x = left ? layout.Firewall.X - 8 : layout.Firewall.Right + 8;
            group.Add(new XElement(Svg + "text",
                new XAttribute("x", x),
                new XAttribute("y", route.LaneY - 4),
                new XAttribute("font-size", 10),
                new XAttribute("text-anchor", left ? "end" : "start"),
                new XAttribute("fill", VerdictColours.Of(route.Flow.Observed)),
                new XAttribute("stroke", "#ffffff"),
                new XAttribute("stroke-width", 3),
                new XAttribute("paint-order", "stroke"),
                XmlText.Clean($"{route.Flow.Id} {route.Flow.Port}")));
        }

        return group;
    }

    private sealed record Route(FlowReport Flow, string Path, int LaneY, Side EntrySide);

    /// <summary>
    /// One lane per flow across the firewall, ordered by where its ends are (fewer crossings); each
    /// host spreads its arrow ends along its inner edge in lane order.
    /// </summary>
    private static List<Route> Routes(IReadOnlyList<(FlowReport Flow, HostDefinition? Source, HostDefinition? Destination)> ends, TopologyLayout layout)
    {
        if (ends.Count == 0)
        {
            return [];
        }

        var firewall = layout.Firewall;
        int HostY(HostDefinition? host) => host is not null && layout.Host(host.Name) is { } box ? box.CentreY : firewall.CentreY;
        var ordered = ends.Select((e, i) => (e.Flow, e.Source, e.Destination, Index: i))
            .OrderBy(e => HostY(e.Source) + HostY(e.Destination))
            .ThenBy(e => e.Index)
            .ToList();
        var laneTop = firewall.Y + TopologyLayout.FirewallHeader + 8;
        var laneSpacing = (double)(firewall.Height - TopologyLayout.FirewallHeader - 20) / ordered.Count;
        var lanes = ordered.Select((e, i) => (e.Flow, e.Source, e.Destination, e.Index, LaneY: laneTop + (int)Math.Round(laneSpacing * (i + 0.5)))).ToList();

        // Each host's arrow ends, spread along its inner edge in lane order.
        var endY = new Dictionary<(int Index, bool IsSource), int>();
        var byHost = lanes.SelectMany(l => new[] { (Host: l.Source, l.Index, IsSource: true, l.LaneY), (Host: l.Destination, l.Index, IsSource: false, l.LaneY) })
            .Where(e => e.Host is not null && layout.Host(e.Host.Name) is not null)
            .GroupBy(e => e.Host!.Name);
        foreach (var host in byHost)
        {
            var box = layout.Host(host.Key)!.Value;
            var sorted = host.OrderBy(e => e.LaneY).ThenBy(e => e.Index).ToList();
            var spacing = (double)(box.Height - 12) / sorted.Count;
            for (var i = 0; i < sorted.Count; i++)
            {
                endY[(sorted[i].Index, sorted[i].IsSource)] = box.Y + 6 + (int)Math.Round(spacing * (i + 0.5));
            }
        }

        return lanes.OrderBy(l => l.Index).Select(l =>
        {
            var (sx, sy, sourceSide) = End(l.Source, endY.GetValueOrDefault((l.Index, true)), layout);
            var (dx, dy, destinationSide) = End(l.Destination, endY.GetValueOrDefault((l.Index, false)), layout);
            var entryX = sourceSide == Side.Left ? firewall.X : firewall.Right;
            var exitX = destinationSide == Side.Left ? firewall.X : firewall.Right;
            var inward = sourceSide == Side.Left ? 1 : -1;
            var outward = destinationSide == Side.Left ? -1 : 1;

            // Same side: the lane dips 24 units into the firewall (hidden under it) and comes back out.
            var throughX = sourceSide == destinationSide ? entryX + (inward * 24) : exitX;
            var path = new StringBuilder()
                .Append(CultureInfo.InvariantCulture, $"M {sx} {sy} ")
                .Append(CultureInfo.InvariantCulture, $"C {sx + (inward * 70)} {sy} {entryX - (inward * 70)} {l.LaneY} {entryX} {l.LaneY} ")
                .Append(CultureInfo.InvariantCulture, $"L {throughX} {l.LaneY} ")
                .Append(CultureInfo.InvariantCulture, $"L {exitX} {l.LaneY} ")
                .Append(CultureInfo.InvariantCulture, $"C {exitX + (outward * 70)} {l.LaneY} {dx - (outward * 70)} {dy} {dx} {dy}")
                .ToString();
            return new Route(l.Flow, path, l.LaneY, sourceSide);
        }).ToList();
    }

    /// <summary>An arrow's end on a host's inner edge; a host not in the picture ends at the firewall.</summary>
    private static (int X, int Y, Side Side) End(HostDefinition? host, int y, TopologyLayout layout)
    {
        if (host is null || layout.Host(host.Name) is null)
        {
            return (layout.Firewall.X, layout.Firewall.CentreY, Side.Left);
        }

        return (layout.InnerEdge(host.Name), y, layout.SideOfHost(host.Name));
    }

    private static XElement Legend(TopologyLayout layout)
    {
        var y = layout.ContentBottom + TopologyLayout.Margin;
        var group = new XElement(Svg + "g", new XAttribute("class", "legend"),
            Text(TopologyLayout.Margin, y + 14, "Arrows: probed flows from source host through the firewall to destination host, coloured by observed verdict", 12, "bold"));
        var verdicts = Enum.GetValues<Verdict>();
        const int columnWidth = 330;
        for (var i = 0; i < verdicts.Length; i++)
        {
            var x = TopologyLayout.Margin + ((i % 3) * columnWidth);
            var rowY = y + 36 + ((i / 3) * 22);
            group.Add(new XElement(Svg + "g",
                new XAttribute("class", "legend-entry"),
                new XAttribute("data-verdict", verdicts[i].ToWord()),
                new XElement(Svg + "line",
                    new XAttribute("x1", x), new XAttribute("y1", rowY - 4), new XAttribute("x2", x + 36), new XAttribute("y2", rowY - 4),
                    new XAttribute("stroke", VerdictColours.Of(verdicts[i])), new XAttribute("stroke-width", 2),
                    new XAttribute("marker-end", $"url(#{MarkerId(verdicts[i])})")),
                Text(x + 46, rowY, VerdictColours.Meaning(verdicts[i]), 11)));
        }

        var dashedX = TopologyLayout.Margin + (2 * columnWidth);
        var dashedY = y + 36 + 22;
        group.Add(new XElement(Svg + "g",
            new XAttribute("class", "legend-entry"),
            new XElement(Svg + "line",
                new XAttribute("x1", dashedX), new XAttribute("y1", dashedY - 4), new XAttribute("x2", dashedX + 36), new XAttribute("y2", dashedY - 4),
                new XAttribute("stroke", "#37474f"), new XAttribute("stroke-width", 2), new XAttribute("stroke-dasharray", "7 4")),
            Text(dashedX + 46, dashedY, "dashed: differs from the expected verdict", 11)));
        return group;
    }

    private static string MarkerId(Verdict verdict) => "arrow-" + verdict.ToWord();

    private static string ZoneFill(string role) => role switch
    {
        ZoneRoles.Internet => "#fdecea",
        ZoneRoles.Dmz => "#fff8e1",
        ZoneRoles.Intranet => "#e8f5e9",
        ZoneRoles.Admin => "#e3f2fd",
        _ => "#f5f5f5",
    };

    private static XElement Rect(Box box, string fill, string stroke, int radius, string? dash = null, int strokeWidth = 1) =>
        new(Svg + "rect",
            new XAttribute("x", box.X), new XAttribute("y", box.Y),
            new XAttribute("width", box.Width), new XAttribute("height", box.Height),
            new XAttribute("rx", radius),
            new XAttribute("fill", fill), new XAttribute("stroke", stroke), new XAttribute("stroke-width", strokeWidth),
            dash is null ? null : new XAttribute("stroke-dasharray", dash));

    private static XElement Text(int x, int y, string text, int size, string? weight = null, string anchor = "start", string fill = "#212121") =>
        new(Svg + "text",
            new XAttribute("x", x), new XAttribute("y", y),
            new XAttribute("font-size", size),
            weight is null ? null : new XAttribute("font-weight", weight),
            anchor == "start" ? null : new XAttribute("text-anchor", anchor),
            new XAttribute("fill", fill),
            XmlText.Clean(text));
}
