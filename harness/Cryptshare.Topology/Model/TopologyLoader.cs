using System.Text.RegularExpressions;
using Cryptshare.Topology.Input;
using YamlDotNet.RepresentationModel;

namespace Cryptshare.Topology.Model;

/// <summary>
/// Loads a topology file and checks it against itself and the flow catalog. Every problem is an
/// <see cref="InputException"/> naming file, line and field.
/// </summary>
public static partial class TopologyLoader
{
    public static TopologyDefinition Load(string path, FlowCatalog catalog) => Parse(path, YamlInput.ReadText(path), catalog);

    public static TopologyDefinition Parse(string file, string text, FlowCatalog catalog)
    {
        var yaml = YamlInput.Parse(file, text);
        var root = yaml.Root;
        yaml.OnlyKeys(root, "topology", "name", "profile", "zones", "hosts");
        var name = yaml.OptionalString(root, "name", "topology") ?? Path.GetFileNameWithoutExtension(file);
        if (name.Any(char.IsControl))
        {
            throw yaml.Error(yaml.Required(root, "name", "topology"), $"topology.name: '{Printable.Visible(name)}' contains a control character");
        }

        var profile = ReadProfile(yaml, yaml.Optional(root, "profile"));
        var zones = ReadZones(yaml, yaml.Mapping(yaml.Required(root, "zones", "topology"), "zones"));
        var hosts = ReadHosts(yaml, yaml.Mapping(yaml.Required(root, "hosts", "topology"), "hosts"), zones, catalog);
        CheckProxiedHosts(yaml, hosts);
        var topology = new TopologyDefinition(name, file, profile, zones, hosts.Select(h => h.Host).ToList());
        CheckFlowsHaveEnds(yaml, root, topology, catalog);
        return topology;
    }

    internal static DeploymentProfile ReadProfile(YamlInput yaml, YamlNode? node)
    {
        if (node is null)
        {
            return new DeploymentProfile(true, true, 25, true, true, true, true);
        }

        var map = yaml.Mapping(node, "profile");
        yaml.OnlyKeys(map, "profile", "appliance", "linux", "mailPort", "ldap", "ldaps", "activeDirectoryGc", "archiving");

        var mailPort = yaml.Optional(map, "mailPort") is { } mailNode ? yaml.Port(mailNode, "profile.mailPort") : 25;
        if (!DeploymentProfile.MailPorts.Contains(mailPort))
        {
            throw yaml.Error(yaml.Optional(map, "mailPort")!, $"profile.mailPort: {mailPort} is not one of the documented mail ports 25, 465, 587");
        }

        return new DeploymentProfile(
            yaml.Bool(map, "appliance", "profile", true),
            yaml.Bool(map, "linux", "profile", true),
            mailPort,
            yaml.Bool(map, "ldap", "profile", true),
            yaml.Bool(map, "ldaps", "profile", true),
            yaml.Bool(map, "activeDirectoryGc", "profile", true),
            yaml.Bool(map, "archiving", "profile", true));
    }

    /// <summary>The zones of <paramref name="map"/>; <paramref name="extraKeys"/> are keys a file that builds on the topology (a site file) adds to a zone.</summary>
    internal static List<ZoneDefinition> ReadZones(YamlInput yaml, YamlMappingNode map, params string[] extraKeys)
    {
        var zones = new List<ZoneDefinition>();
        foreach (var (name, keyNode, value) in yaml.Entries(map, "zones"))
        {
            var where = $"zones.{Printable.Visible(name)}";
            var zone = yaml.Mapping(value, where);
            yaml.OnlyKeys(zone, where, ["subnet", "firewall", "role", "interface", .. extraKeys]);
            var interfaceNode = yaml.Optional(zone, "interface");
            if (interfaceNode is null && InterfaceNames.Problem(name) is { } nameProblem)
            {
                throw yaml.Error(keyNode, $"{where}: the zone's name is the firewall's interface name in it, and '{Printable.Visible(name)}' {nameProblem}");
            }

            if (name.Length > InterfaceNames.MaxLength || !ZoneName().IsMatch(name))
            {
                throw yaml.Error(keyNode, $"{where}: a zone name is 1–{InterfaceNames.MaxLength} of a–z, 0–9, '-' and '_', starting with a letter");
            }

            var subnetNode = yaml.Required(zone, "subnet", where);
            var subnet = yaml.Ipv4Network(subnetNode, where + ".subnet");
            var firewallNode = yaml.Required(zone, "firewall", where);
            var firewall = yaml.Ipv4Address(firewallNode, where + ".firewall");
            if (!subnet.Contains(firewall))
            {
                throw yaml.Error(firewallNode, $"{where}.firewall: {firewall} is outside the zone's subnet {subnet}");
            }

            var overlapping = zones.FirstOrDefault(z => z.Subnet.Contains(subnet.BaseAddress) || subnet.Contains(z.Subnet.BaseAddress));
            if (overlapping is not null)
            {
                throw yaml.Error(subnetNode, $"{where}.subnet: {subnet} overlaps zone '{overlapping.Name}' ({overlapping.Subnet})");
            }

            var roleNode = yaml.Optional(zone, "role");
            var role = roleNode is null ? name : yaml.Scalar(roleNode, where + ".role");
            if (!ZoneRoles.All.Contains(role))
            {
                throw yaml.Error(roleNode ?? keyNode, $"{where}: zone '{name}' needs a role, one of {string.Join(", ", ZoneRoles.All)} (role: …)");
            }

            var interfaceName = interfaceNode is null ? name : yaml.Scalar(interfaceNode, where + ".interface");
            if (interfaceNode is not null && InterfaceNames.Problem(interfaceName) is { } interfaceProblem)
            {
                throw yaml.Error(interfaceNode, $"{where}.interface: '{Printable.Visible(interfaceName)}' {interfaceProblem}");
            }

            var sameInterface = zones.FirstOrDefault(z => z.Interface == interfaceName);
            if (sameInterface is not null)
            {
                throw yaml.Error(interfaceNode ?? keyNode, $"{where}: interface '{interfaceName}' is already zone '{sameInterface.Name}'");
            }

            zones.Add(new ZoneDefinition(name, role, subnet, firewall) { Interface = interfaceName });
        }

        if (zones.Count < 2)
        {
            throw yaml.Error(map, "zones: a firewall needs at least two zones to stand between");
        }

        return zones;
    }

    /// <summary>The hosts of <paramref name="map"/>; <paramref name="extraKeys"/> are keys a file that builds on the topology (a site file) adds to a host.</summary>
    internal static List<(HostDefinition Host, YamlNode Node)> ReadHosts(YamlInput yaml, YamlMappingNode map, List<ZoneDefinition> zones, FlowCatalog catalog, params string[] extraKeys)
    {
        var hosts = new List<(HostDefinition Host, YamlNode Node)>();
        foreach (var (name, keyNode, value) in yaml.Entries(map, "hosts"))
        {
            var where = $"hosts.{Printable.Visible(name)}";
            if (!HostName().IsMatch(name))
            {
                throw yaml.Error(keyNode, $"{where}: a host name is letters, digits, '-' and '.', starting with a letter");
            }

            var host = yaml.Mapping(value, where);
            yaml.OnlyKeys(host, where, ["kind", "zone", "address", "serves", "ports", "proxyFor", "profile", .. extraKeys]);
            var kindNode = yaml.Required(host, "kind", where);
            var kind = yaml.Scalar(kindNode, where + ".kind");
            if (!HostKinds.All.Contains(kind))
            {
                throw yaml.Error(kindNode, $"{where}.kind: unknown host kind '{kind}' (known: {string.Join(", ", HostKinds.All)})");
            }

            var zoneNode = yaml.Required(host, "zone", where);
            var zoneName = yaml.Scalar(zoneNode, where + ".zone");
            var zone = zones.FirstOrDefault(z => z.Name == zoneName)
                ?? throw yaml.Error(zoneNode, $"{where}.zone: unknown zone '{zoneName}' (zones: {string.Join(", ", zones.Select(z => z.Name))})");

            var addressNode = yaml.Required(host, "address", where);
            var address = yaml.Ipv4Address(addressNode, where + ".address");
            if (!zone.Subnet.Contains(address))
            {
                throw yaml.Error(addressNode, $"{where}.address: {address} is outside zone '{zone.Name}' ({zone.Subnet})");
            }

            if (address.Equals(zone.FirewallAddress))
            {
                throw yaml.Error(addressNode, $"{where}.address: {address} is the firewall's address in zone '{zone.Name}'");
            }

            var clash = hosts.FirstOrDefault(h => h.Host.Address.Equals(address));
            if (clash.Host is not null)
            {
                throw yaml.Error(addressNode, $"{where}.address: {address} is already host '{clash.Host.Name}' (line {clash.Node.Start.Line})");
            }

            var serves = yaml.List(host, "serves", where);
            foreach (var flow in serves)
            {
                if (catalog.Find(flow) is null)
                {
                    var nearest = NearestWord.Find(flow, catalog.Flows.Select(f => f.Id));
                    throw yaml.Error(yaml.Optional(host, "serves")!, $"{where}.serves: unknown flow id '{Printable.Visible(flow)}'{(nearest is null ? string.Empty : $"; did you mean `{nearest}`?")}");
                }
            }

            var ports = new Dictionary<string, int>();
            if (yaml.Optional(host, "ports") is { } portsNode)
            {
                foreach (var (flow, flowNode, portNode) in yaml.Entries(yaml.Mapping(portsNode, where + ".ports"), where + ".ports"))
                {
                    if (!serves.Contains(flow))
                    {
                        throw yaml.Error(flowNode, $"{where}.ports.{flow}: the host does not serve flow '{flow}' (serves: {string.Join(", ", serves)})");
                    }

                    ports[flow] = yaml.Port(portNode, $"{where}.ports.{flow}");
                }
            }

            // Two flows of one host on the same port must speak the same protocol (one listener).
            var byPort = serves.GroupBy(f => ports.TryGetValue(f, out var p) ? p : catalog.Get(f).Port);
            foreach (var group in byPort.Where(g => g.Select(f => catalog.Get(f).Protocol).Distinct().Count() > 1))
            {
                throw yaml.Error(yaml.Optional(host, "ports") ?? yaml.Optional(host, "serves") ?? value, $"{where}: port conflict: {string.Join(" and ", group)} would both listen on {group.Key}");
            }

            CheckOutlookSharesTheHttpsListener(yaml, host, where, kind, serves, ports, catalog);
            var reverseProxy = ReadReverseProxy(yaml, host, where, kind, serves, catalog);
            hosts.Add((new HostDefinition(name, kind, zone.Name, address, serves, ports, reverseProxy), keyNode));
        }

        return hosts;
    }

    /// <summary>
    /// The Outlook add-in calls the REST API on the user interface's HTTPS listener: on a host that
    /// serves both, they are one listener, so one port.
    /// </summary>
    private static void CheckOutlookSharesTheHttpsListener(YamlInput yaml, YamlMappingNode host, string where, string kind, IReadOnlyList<string> serves, Dictionary<string, int> ports, FlowCatalog catalog)
    {
        const string outlook = "outlook-rest", https = "ui-https";
        if (kind is not (HostKinds.CryptshareServer or HostKinds.ReverseProxy) || !serves.Contains(outlook) || catalog.Find(https) is not { } httpsFlow)
        {
            return;
        }

        var listener = ports.TryGetValue(https, out var p) ? p : httpsFlow.Port;
        var rest = ports.TryGetValue(outlook, out var r) ? r : catalog.Get(outlook).Port;
        if (rest != listener)
        {
            throw yaml.Error(yaml.Optional(host, "ports") ?? host, $"{where}.ports.{outlook}: the Outlook REST API is served by the user interface's HTTPS listener ({https}, port {listener}); {outlook} cannot be on {rest}");
        }
    }

    /// <summary>proxyFor and profile: required on a reverse-proxy host, meaningless on any other.</summary>
    private static ReverseProxyDefinition? ReadReverseProxy(YamlInput yaml, YamlMappingNode host, string where, string kind, IReadOnlyList<string> serves, FlowCatalog catalog)
    {
        var proxyForNode = yaml.Optional(host, "proxyFor");
        var profileNode = yaml.Optional(host, "profile");
        if (kind != HostKinds.ReverseProxy)
        {
            var stray = proxyForNode ?? profileNode;
            return stray is null
                ? null
                : throw yaml.Error(stray, $"{where}: proxyFor and profile belong to a host of kind {HostKinds.ReverseProxy}, not {kind}");
        }

        var proxyFor = yaml.Scalar(yaml.Required(host, "proxyFor", where), where + ".proxyFor");
        var known = string.Join(", ", catalog.ProxyProfiles.Select(p => p.Name));
        if (profileNode is null)
        {
            throw yaml.Error(host, $"{where}: missing field 'profile' (one of: {known})");
        }

        var profile = yaml.Scalar(profileNode, where + ".profile");
        if (catalog.FindProxyProfile(profile) is null)
        {
            throw yaml.Error(profileNode, $"{where}.profile: unknown reverse-proxy profile '{profile}' (known: {(known.Length > 0 ? known : "none: the flow catalog has no proxyProfiles")})");
        }

        var foreign = serves.FirstOrDefault(f => !HostKinds.ReverseProxyFlows.Contains(f));
        if (foreign is not null)
        {
            throw yaml.Error(yaml.Optional(host, "serves")!, $"{where}.serves: a reverse proxy serves only {string.Join(", ", HostKinds.ReverseProxyFlows)}, not '{foreign}'");
        }

        return new ReverseProxyDefinition(proxyFor, profile);
    }

    /// <summary>Every proxyFor names a Cryptshare Server of the topology (forward references allowed).</summary>
    internal static void CheckProxiedHosts(YamlInput yaml, List<(HostDefinition Host, YamlNode Node)> hosts)
    {
        foreach (var (host, node) in hosts.Where(h => h.Host.ReverseProxy is not null))
        {
            var target = host.ReverseProxy!.ProxyFor;
            var proxied = hosts.FirstOrDefault(h => h.Host.Name == target).Host;
            if (proxied is null || proxied.Kind != HostKinds.CryptshareServer)
            {
                var servers = hosts.Where(h => h.Host.Kind == HostKinds.CryptshareServer).Select(h => h.Host.Name).ToList();
                throw yaml.Error(node, $"hosts.{host.Name}.proxyFor: '{target}' is not a {HostKinds.CryptshareServer} host of this topology ({(servers.Count > 0 ? string.Join(", ", servers) : "it has none")})");
            }
        }
    }

    /// <summary>
    /// One host per flow, and (<paramref name="requireSources"/>) a host to probe it from in every
    /// zone it is probed from. A site does not require sources: a zone where the agent is not run is
    /// not probed from.
    /// </summary>
    internal static void CheckFlowsHaveEnds(YamlInput yaml, YamlMappingNode root, TopologyDefinition topology, FlowCatalog catalog, bool requireSources = true)
    {
        var hostsNode = yaml.Required(root, "hosts", "topology");
        foreach (var flow in catalog.Flows)
        {
            var servers = topology.Hosts.Where(h => h.Serves.Contains(flow.Id)).ToList();
            if (servers.Count > 1)
            {
                throw yaml.Error(hostsNode, $"hosts: flow '{flow.Id}' is served by {string.Join(" and ", servers.Select(s => s.Name))}; one host per flow");
            }

            if (servers.Count == 0)
            {
                continue; // a topology may leave a flow out (e.g. no archive host): it is then not probed
            }

            foreach (var role in flow.From.Where(r => requireSources && topology.ZonesWithRole(r).Any()))
            {
                if (topology.ProbeSource(role) is null)
                {
                    throw yaml.Error(hostsNode, $"hosts: flow '{flow.Id}' is probed from the {role} zone, which has no client host to probe from");
                }
            }
        }
    }

    [GeneratedRegex(@"\A[a-z][a-z0-9_-]*\z")]
    private static partial Regex ZoneName();

    // \z, not $: $ also matches before a final newline, and "web\n" is no host name.
    [GeneratedRegex(@"\A[A-Za-z][A-Za-z0-9.-]*\z")]
    private static partial Regex HostName();
}
