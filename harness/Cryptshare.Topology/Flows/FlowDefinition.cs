using Cryptshare.Topology.Model;

namespace Cryptshare.Topology.Flows;

/// <summary>
/// One flow of the catalog (fixtures/flows/catalog.yml): a row of the vendor's table, or a flow the
/// documentation says must stay closed. <see cref="From"/> and <see cref="ClosedFrom"/> name zone
/// roles (internet, intranet, admin, dmz — dmz meaning the Cryptshare Server itself).
/// </summary>
public sealed record FlowDefinition(
    string Id,
    int Port,
    string Protocol,
    string Direction,
    IReadOnlyList<string> From,
    string Required,
    IReadOnlyList<string> ClosedFrom,
    string Purpose,
    string Breaks)
{
    /// <summary>The documentation says this flow should not be open from that zone role.</summary>
    public bool IsExposureFrom(string role) => ClosedFrom.Contains(role);

    /// <summary>
    /// The port <paramref name="host"/> serves this flow on: the topology's override for that host
    /// (<c>ports: {ldaps: 686}</c>), else the catalog's port. The one place that says it.
    /// </summary>
    public int PortOn(HostDefinition host) => host.Ports.TryGetValue(Id, out var port) ? port : Port;
}

/// <summary>
/// A reverse-proxy profile from the catalog's <c>proxyProfiles</c>: what a proxy in front of the
/// server does to the traffic, in words for reports (its nginx configuration is
/// <c>containers/reverse-proxy/profiles/&lt;name&gt;.conf</c>).
/// </summary>
public sealed record ProxyProfile(string Name, string Does, string Breaks);

public static class ZoneRoles
{
    public const string Internet = "internet";
    public const string Dmz = "dmz";
    public const string Intranet = "intranet";
    public const string Admin = "admin";

    public static readonly string[] All = [Internet, Dmz, Intranet, Admin];
}

public static class FlowProtocols
{
    public static readonly string[] All = ["http", "https", "smtp", "smtps", "submission", "ldap", "ldaps", "ssh", "scp", "tcp"];
}
