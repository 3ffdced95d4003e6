using System.Net;

namespace Cryptshare.Topology.Model;

/// <summary>
/// A customer's real network, as the portable probe agent and the simulation both read it: the
/// zones (with the address of the machine the agent runs on in each, where that is not the
/// Cryptshare Server), the hosts with their real addresses, names and ports, and what a probe of each
/// needs that is no secret (paths, mail addresses, search base, archive folder, host key).
/// <see cref="Topology"/> is the same network as a topology: the hosts as they are, and a client at
/// each agent's address, so that <c>run --site</c> and <c>analyze --site</c> simulate exactly the
/// hosts the live probe contacts.
/// </summary>
public sealed record SiteDefinition(
    string Name,
    string SourceFile,
    string Sha256,
    TopologyDefinition Topology,
    IReadOnlyList<SiteZone> Zones,
    IReadOnlyDictionary<string, SiteHost> Hosts)
{
    /// <summary>The zone the agent is told to run in, or null.</summary>
    public SiteZone? Zone(string name) => Zones.FirstOrDefault(z => z.Name == name);

    /// <summary>Every address the site lists for a host (not the agents' own, not the firewall's): all the agent may ever contact.</summary>
    public IReadOnlySet<IPAddress> HostAddresses => Hosts.Values.Select(h => h.Address).ToHashSet();
}

/// <summary>
/// A zone of the site and where the agent runs in it: on a client at <see cref="Agent"/>, or, in
/// the server's zone (role dmz), on the Cryptshare Server itself (<see cref="Agent"/> null).
/// <see cref="SourceHost"/> is the topology host that stands for that machine.
/// </summary>
public sealed record SiteZone(string Name, string Role, IPAddress? Agent, string SourceHost)
{
    /// <summary>Where the administrator runs the agent for this zone, in words.</summary>
    public string RunOn => Agent is null ? "on the Cryptshare Server" : $"on the machine at {Agent} in zone {Name} (a user's or an administrator's computer)";
}

/// <summary>
/// A host of the site with what probing it needs besides credentials: the name clients know it by
/// (<see cref="TlsName"/>: the TLS server name and HTTP Host), per-flow HTTP paths, mail
/// addresses, LDAP search base and filter, the archive folder and the SSH host key. Null where
/// the agent's default applies.
/// </summary>
public sealed record SiteHost(
    string Name,
    IPAddress Address,
    string TlsName,
    IReadOnlyDictionary<string, string> Paths,
    string? MailFrom = null,
    string? MailTo = null,
    string? BaseDn = null,
    string? Filter = null,
    string? RemoteDirectory = null,
    string? HostKeySha256 = null);
