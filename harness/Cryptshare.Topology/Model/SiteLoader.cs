using System.Net;
using System.Security.Cryptography;
using System.Text;
using Cryptshare.Topology.Input;
using YamlDotNet.RepresentationModel;

namespace Cryptshare.Topology.Model;

/// <summary>
/// Loads a site file: the topology's strict reading of zones, hosts and profile (the same keys,
/// checks and messages), plus what only a site has — per zone the address of the machine the agent
/// runs on (<c>agent:</c>; none in the server's zone, where it runs on the Cryptshare Server), and per
/// host its name and the probe details. Clients are not listed: each agent address becomes one. A
/// site file holds no secret and names no other file; credentials come from a file given on the
/// agent's command line (<see cref="SiteCredentialsLoader"/>).
/// </summary>
public static class SiteLoader
{
    /// <summary>The host keys only a site file has, beside the topology's.</summary>
    private static readonly string[] HostKeys = ["name", "paths", "mailFrom", "mailTo", "baseDn", "filter", "remoteDirectory", "hostKey"];

    private const string AgentKey = "agent";

    public static SiteDefinition Load(string path, FlowCatalog catalog) => Parse(path, YamlInput.ReadText(path), catalog);

    public static SiteDefinition Parse(string file, string text, FlowCatalog catalog)
    {
        var yaml = YamlInput.Parse(file, text);
        var root = yaml.Root;
        yaml.OnlyKeys(root, "site", "site", "profile", "zones", "hosts");
        var name = yaml.OptionalString(root, "site", "site") ?? Path.GetFileNameWithoutExtension(file);
        if (name.Length == 0 || name.Any(char.IsControl))
        {
            throw yaml.Error(yaml.Required(root, "site", "site"), $"site: '{Printable.Visible(name)}' is not a name: give one without control characters");
        }

        var profile = TopologyLoader.ReadProfile(yaml, yaml.Optional(root, "profile"));
        var zonesNode = yaml.Mapping(yaml.Required(root, "zones", "site"), "zones");
        var zones = TopologyLoader.ReadZones(yaml, zonesNode, AgentKey);
        var hostsNode = yaml.Mapping(yaml.Required(root, "hosts", "site"), "hosts");
        var hosts = TopologyLoader.ReadHosts(yaml, hostsNode, zones, catalog, HostKeys);
        TopologyLoader.CheckProxiedHosts(yaml, hosts);
        foreach (var (host, node) in hosts.Where(h => h.Host.Kind == HostKinds.Client))
        {
            throw yaml.Error(node, $"hosts.{host.Name}: a site lists the servers the agent probes; the machines it runs on are the zones' `agent:` addresses, not hosts of kind client");
        }

        var siteZones = ReadAgents(yaml, zonesNode, zones, hosts);
        var clients = siteZones.Where(z => z.Agent is not null)
            .Select(z => new HostDefinition(z.SourceHost, HostKinds.Client, z.Name, z.Agent!, [], new Dictionary<string, int>()));
        // A zone without an agent is not probed from, live or simulated: the planner skips a zone
        // role with no source, as it does for a topology's zone without a client.
        var topology = new TopologyDefinition(name, file, profile, zones, [.. hosts.Select(h => h.Host), .. clients]);
        TopologyLoader.CheckFlowsHaveEnds(yaml, root, topology, catalog, requireSources: false);
        var siteHosts = hosts.ToDictionary(h => h.Host.Name, h => ReadProbing(yaml, hostsNode, h.Host));
        var sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        return new SiteDefinition(name, file, sha, topology, siteZones, siteHosts);
    }

    /// <summary>
    /// Each zone's agent: an address in the zone that no host and not the firewall has, and none in
    /// the server's zone. A zone with neither is simply not probed from (no flow can start there).
    /// </summary>
    private static List<SiteZone> ReadAgents(YamlInput yaml, YamlMappingNode zonesNode, List<ZoneDefinition> zones, List<(HostDefinition Host, YamlNode Node)> hosts)
    {
        var server = hosts.Select(h => h.Host).FirstOrDefault(h => h.Kind == HostKinds.CryptshareServer);
        var agents = new List<SiteZone>();
        foreach (var (zoneName, _, value) in yaml.Entries(zonesNode, "zones"))
        {
            var zone = zones.Single(z => z.Name == zoneName);
            var where = $"zones.{zoneName}";
            var agentNode = yaml.Optional((YamlMappingNode)value, AgentKey);
            if (agentNode is null)
            {
                if (zone.Role == ZoneRoles.Dmz && server is not null && server.Zone == zone.Name)
                {
                    agents.Add(new SiteZone(zone.Name, zone.Role, null, server.Name));
                }

                continue;
            }

            var address = yaml.Ipv4Address(agentNode, $"{where}.{AgentKey}");
            if (server is not null && server.Zone == zone.Name)
            {
                throw yaml.Error(agentNode, $"{where}.{AgentKey}: in the Cryptshare Server's zone the agent runs on the server ({server.Address}); leave `agent:` out there");
            }

            if (!zone.Subnet.Contains(address) || address.Equals(zone.FirewallAddress))
            {
                throw yaml.Error(agentNode, $"{where}.{AgentKey}: {address} is {(address.Equals(zone.FirewallAddress) ? "the firewall's address" : $"outside the zone's subnet {zone.Subnet}")}; give the address of the machine the agent runs on in zone '{zone.Name}'");
            }

            var clash = hosts.FirstOrDefault(h => h.Host.Address.Equals(address)).Host?.Name ?? agents.FirstOrDefault(a => address.Equals(a.Agent))?.Name;
            if (clash is not null)
            {
                throw yaml.Error(agentNode, $"{where}.{AgentKey}: {address} is already {(hosts.Any(h => h.Host.Name == clash) ? $"host '{clash}'" : $"the agent of zone '{clash}'")}");
            }

            var client = $"{zone.Name}-client";
            if (hosts.Any(h => h.Host.Name == client))
            {
                throw yaml.Error(agentNode, $"{where}.{AgentKey}: the agent's machine is called '{client}' in reports, and a host of the site already has that name");
            }

            agents.Add(new SiteZone(zone.Name, zone.Role, address, client));
        }

        return agents;
    }

    /// <summary>The probe details of one host (its site-only keys).</summary>
    private static SiteHost ReadProbing(YamlInput yaml, YamlMappingNode hostsNode, HostDefinition host)
    {
        var map = (YamlMappingNode)hostsNode.Children[new YamlScalarNode(host.Name)];
        var where = $"hosts.{host.Name}";
        var tlsName = yaml.OptionalString(map, "name", where) ?? host.Name;
        if (!Uri.CheckHostName(tlsName).Equals(UriHostNameType.Dns) && !IPAddress.TryParse(tlsName, out _))
        {
            throw yaml.Error(yaml.Optional(map, "name")!, $"{where}.name: '{Printable.Visible(tlsName)}' is not a host name (the name clients use for {host.Name}, e.g. cryptshare.example.com)");
        }

        var paths = new Dictionary<string, string>();
        if (yaml.Optional(map, "paths") is { } pathsNode)
        {
            foreach (var (flow, flowNode, pathNode) in yaml.Entries(yaml.Mapping(pathsNode, where + ".paths"), where + ".paths"))
            {
                if (!host.Serves.Contains(flow))
                {
                    throw yaml.Error(flowNode, $"{where}.paths.{Printable.Visible(flow)}: the host does not serve flow '{Printable.Visible(flow)}' (serves: {string.Join(", ", host.Serves)})");
                }

                var path = yaml.Scalar(pathNode, $"{where}.paths.{flow}");
                if (!path.StartsWith('/') || path.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
                {
                    throw yaml.Error(pathNode, $"{where}.paths.{flow}: '{Printable.Visible(path)}' is not a request path: it starts with '/' and has no spaces");
                }

                paths[flow] = path;
            }
        }

        var hostKey = yaml.OptionalString(map, "hostKey", where);
        if (hostKey is not null && !hostKey.StartsWith("SHA256:", StringComparison.Ordinal))
        {
            throw yaml.Error(yaml.Optional(map, "hostKey")!, $"{where}.hostKey: write the key's fingerprint as ssh-keygen -lf prints it: SHA256:…");
        }

        return new SiteHost(
            host.Name,
            host.Address,
            tlsName,
            paths,
            yaml.OptionalString(map, "mailFrom", where),
            yaml.OptionalString(map, "mailTo", where),
            yaml.OptionalString(map, "baseDn", where),
            yaml.OptionalString(map, "filter", where),
            yaml.OptionalString(map, "remoteDirectory", where),
            hostKey);
    }
}
