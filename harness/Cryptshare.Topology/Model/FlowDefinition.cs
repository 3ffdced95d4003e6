namespace Cryptshare.Topology.Model;

/// <summary>
/// One flow of the catalog (fixtures/flows/catalog.yml): a row of the vendor's table, or a flow the
/// documentation says must stay closed. <see cref="From"/> and <see cref="ClosedFrom"/> name zone
/// roles (internet, intranet, admin, dmz — dmz meaning the Cryptshare Server itself).
/// </summary>
public sealed record FlowDefinition(
    string Id,
    int Port,
    FlowProtocol Protocol,
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

/// <summary>
/// What a flow speaks once connected (the catalog's <c>protocol</c>); <see cref="Tcp"/> is a
/// connect only. The catalog's word is the member's name in lower case.
/// </summary>
public enum FlowProtocol
{
    Http,
    Https,
    Smtp,
    Smtps,
    Submission,
    Ldap,
    Ldaps,
    Ssh,
    Scp,
    Tcp,
}

public static class FlowProtocols
{
    /// <summary>Every protocol's word, as the catalog writes it.</summary>
    public static readonly string[] All = Enum.GetValues<FlowProtocol>().Select(ToWord).ToArray();

    public static string ToWord(this FlowProtocol protocol) => protocol.ToString().ToLowerInvariant();

    /// <summary>The protocol a catalog word names; only the exact lower-case word.</summary>
    public static bool TryParse(string word, out FlowProtocol protocol) =>
        Enum.TryParse(word, ignoreCase: true, out protocol) && Enum.IsDefined(protocol) && protocol.ToWord() == word;
}
