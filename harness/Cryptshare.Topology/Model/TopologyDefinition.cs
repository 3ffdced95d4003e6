using System.Net;

namespace Cryptshare.Topology.Model;

/// <summary>
/// A zone: one network, and the firewall's address on it (its interface is named after the zone).
/// Its role (internet, dmz, intranet, admin) ties it to the catalog; a customer's zone names
/// ("outside", "mgmt" …) keep their own name and state their role.
/// </summary>
public sealed record ZoneDefinition(string Name, string Role, IPNetwork Subnet, IPAddress FirewallAddress)
{
    /// <summary>
    /// The firewall's interface in this zone, as the rule set names it (<c>iifname</c>): the zone's
    /// name unless the topology maps a customer's interface (<c>interface: eth1</c>) to the zone.
    /// </summary>
    public string Interface { get; init; } = Name;
}

/// <summary>
/// One host: kind (image), zone, address, the flows it is the destination of, and per-flow port
/// overrides (a customer's LDAPS on 686, admin on 8443 …). <see cref="ReverseProxy"/> is set for a
/// host of kind reverse-proxy only.
/// </summary>
public sealed record HostDefinition(
    string Name,
    string Kind,
    string Zone,
    IPAddress Address,
    IReadOnlyList<string> Serves,
    IReadOnlyDictionary<string, int> Ports,
    ReverseProxyDefinition? ReverseProxy = null);

/// <summary>
/// What a reverse-proxy host stands in front of (<see cref="ProxyFor"/>: a cryptshare-server host of
/// the topology) and what it does to the traffic (<see cref="Profile"/>: a catalog proxy profile).
/// </summary>
public sealed record ReverseProxyDefinition(string ProxyFor, string Profile);

/// <summary>A validated topology: zones, hosts and the deployment profile.</summary>
public sealed record TopologyDefinition(
    string Name,
    string SourceFile,
    DeploymentProfile Profile,
    IReadOnlyList<ZoneDefinition> Zones,
    IReadOnlyList<HostDefinition> Hosts)
{
    public ZoneDefinition Zone(string name) => Zones.Single(z => z.Name == name);

    public HostDefinition Host(string name) => Hosts.Single(h => h.Name == name);

    /// <summary>
    /// The host a probe from a zone role runs in: a client in a zone of that role; for the dmz role
    /// (outbound flows), the Cryptshare Server itself.
    /// </summary>
    public HostDefinition? ProbeSource(string role) => role == ZoneRoles.Dmz
        ? Hosts.FirstOrDefault(h => h.Kind == HostKinds.CryptshareServer)
        : Hosts.FirstOrDefault(h => h.Kind == HostKinds.Client && Zone(h.Zone).Role == role);

    public IEnumerable<ZoneDefinition> ZonesWithRole(string role) => Zones.Where(z => z.Role == role);

    /// <summary>The host that serves a flow (validated: exactly one per probed flow).</summary>
    public HostDefinition? Destination(string flowId) => Hosts.FirstOrDefault(h => h.Serves.Contains(flowId));
}

/// <summary>The host kinds: one image each under containers/&lt;kind&gt;.</summary>
public static class HostKinds
{
    public const string Client = "client";
    public const string CryptshareServer = "cryptshare-server";
    public const string SmtpRelay = "smtp-relay";
    public const string Ldap = "ldap";
    public const string Archive = "archive";
    public const string UpdateServer = "update-server";
    public const string OsRepo = "os-repo";
    public const string ReverseProxy = "reverse-proxy";

    public static readonly string[] All = [Client, CryptshareServer, SmtpRelay, Ldap, Archive, UpdateServer, OsRepo, ReverseProxy];

    /// <summary>The flows a reverse proxy can serve in front of the server: the user interface and the Outlook REST calls on it.</summary>
    public static readonly string[] ReverseProxyFlows = ["ui-http", "ui-https", "outlook-rest"];
}
