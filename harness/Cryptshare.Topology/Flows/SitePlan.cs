using System.Net;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.Probing;
using Cryptshare.Topology.RuleSets;

namespace Cryptshare.Topology.Flows;

/// <summary>One probe the agent makes from its zone: the matrix cell it answers and the request it sends.</summary>
public sealed record SiteProbe(ProbeCase Case, ProbeRequest Request);

/// <summary>A flow of the zone the agent leaves out, and why (no credentials for a protocol that logs in).</summary>
public sealed record SkippedProbe(string FlowId, string From, string To, int Port, string Why);

/// <summary>What the agent does from one zone of a site: the probes, and the flows it must leave out.</summary>
public sealed record SitePlanResult(SiteZone Zone, IReadOnlyList<SiteProbe> Probes, IReadOnlyList<SkippedProbe> Skipped)
{
    /// <summary>Every address a probe of this plan connects to (the TTL-limited path probes of a blocked flow go to the same ones).</summary>
    public IReadOnlySet<IPAddress> Targets => Probes.Select(p => IPAddress.Parse(p.Request.Address)).ToHashSet();
}

/// <summary>
/// The probes of one zone of a site: the very cases the harness's planner makes for the site's
/// topology from that zone's source (so the live probe and the simulation probe the same flows, on
/// the same ports, to the same addresses), each completed with what the site file says about its
/// destination and, where the protocol logs in, the site's credentials. Every target is an address
/// the site file lists: a plan never contacts anything else (<see cref="OnlySiteAddresses"/>).
/// </summary>
public static class SitePlan
{
    /// <summary>The protocols that cannot be probed without a login (LDAP binds anonymously, SMTP on 25 relays without AUTH).</summary>
    public static readonly IReadOnlySet<ProbeProtocol> NeedLogin = new HashSet<ProbeProtocol> { ProbeProtocol.Smtps, ProbeProtocol.Submission, ProbeProtocol.Ssh, ProbeProtocol.Scp };

    private const string OutlookRest = "outlook-rest";

    public static SitePlanResult Plan(SiteDefinition site, FlowCatalog catalog, string zoneName, SiteCredentials credentials, int timeoutMs = ProbeRequest.DefaultTimeoutMs)
    {
        var zone = site.Zone(zoneName) ?? throw new ArgumentException($"site {site.Name} has no zone '{zoneName}' the agent runs in");
        var noRules = new RuleSet("live", site.SourceFile, string.Empty, null, new Dictionary<string, IPAddress>(), null);
        var probes = new List<SiteProbe>();
        var skipped = new List<SkippedProbe>();
        foreach (var probeCase in MatrixPlanner.Plan(site.Topology, catalog, noRules).Where(c => c.Source.Name == zone.SourceHost))
        {
            var host = site.Hosts[probeCase.Destination.Name];
            var protocol = ProtocolOf(probeCase.Flow);
            var login = credentials.For(host.Name)?.Login;
            if (login is null && NeedLogin.Contains(protocol))
            {
                skipped.Add(new SkippedProbe(probeCase.Flow.Id, zone.Name, host.Name, probeCase.Port,
                    $"{probeCase.Flow.Protocol} logs in, and the credentials give no login for host {host.Name} (--credentials FILE, or --prompt)"));
                continue;
            }

            var request = new ProbeRequest(
                probeCase.Flow.Id,
                zone.SourceHost,
                host.Name,
                probeCase.Address.ToString(),
                probeCase.Port,
                protocol,
                timeoutMs,
                host.TlsName,
                protocol is ProbeProtocol.Http or ProbeProtocol.Https or ProbeProtocol.Tcp ? null : login,
                Options(probeCase.Flow, protocol, host, credentials.For(host.Name)));
            probes.Add(new SiteProbe(probeCase, request));
        }

        return OnlySiteAddresses(site, new SitePlanResult(zone, probes, skipped));
    }

    /// <summary>
    /// The last check before any packet leaves: every request goes to an address the site lists for
    /// a host. A plan that breaks this is a bug, never a probe.
    /// </summary>
    public static SitePlanResult OnlySiteAddresses(SiteDefinition site, SitePlanResult plan)
    {
        var foreign = plan.Targets.Where(a => !site.HostAddresses.Contains(a)).ToList();
        return foreign.Count == 0
            ? plan
            : throw new InvalidOperationException($"the plan would contact {string.Join(", ", foreign)}, which site {site.Name} does not list; nothing was probed");
    }

    /// <summary>
    /// What a result means for the flow, as the harness judges it: an HTTP error status is not a
    /// working flow (broken, naming the status); for Cryptshare for Outlook's call a 4xx means the
    /// server did not get the request it needs, which is what a proxy that strips the X-CS-* headers
    /// causes. (The harness also confirms deliveries in the relays and the archive; a live probe
    /// can only see that the server accepted them.)
    /// </summary>
    public static ProbeResult Judge(ProbeResult result)
    {
        if (result is not { Verdict: ProbeVerdict.Allowed, HttpStatus: >= 400 and var status })
        {
            return result;
        }

        var why = result.Flow == OutlookRest && status < 500
            ? $"HTTP {status}: the server refused Cryptshare for Outlook's call; it needs the X-CS-* headers unchanged, and a proxy or firewall that strips them causes exactly this"
            : $"HTTP {status}: the service answered with an error";
        var body = string.IsNullOrWhiteSpace(result.Body) ? string.Empty : $" (answer: {Shorten(result.Body.ReplaceLineEndings(" "), 200)})";
        return result with { Verdict = ProbeVerdict.Broken, Detail = $"{why}{body}; {result.Detail}" };
    }

    /// <summary>The agent's protocol for a catalog flow (the one mapping, <see cref="ProbeWire"/>).</summary>
    public static ProbeProtocol ProtocolOf(FlowDefinition flow) => flow.Protocol.ToProbeProtocol();

    private static ProbeOptions? Options(FlowDefinition flow, ProbeProtocol protocol, SiteHost host, HostCredentials? credentials) => protocol switch
    {
        ProbeProtocol.Http or ProbeProtocol.Https when flow.Id == OutlookRest =>
            new ProbeOptions(Path: host.Paths.GetValueOrDefault(flow.Id), Headers: credentials?.Headers, ReadBody: true),
        ProbeProtocol.Http or ProbeProtocol.Https => new ProbeOptions(Path: host.Paths.GetValueOrDefault(flow.Id), ReadBody: true),
        ProbeProtocol.Smtp or ProbeProtocol.Smtps or ProbeProtocol.Submission => new ProbeOptions(MailFrom: host.MailFrom, MailTo: host.MailTo),
        ProbeProtocol.Ldap or ProbeProtocol.Ldaps => new ProbeOptions(BaseDn: host.BaseDn, Filter: host.Filter),
        ProbeProtocol.Scp => new ProbeOptions(RemoteDirectory: host.RemoteDirectory, HostKeySha256: host.HostKeySha256),
        ProbeProtocol.Ssh => new ProbeOptions(HostKeySha256: host.HostKeySha256),
        _ => null,
    };

    private static string Shorten(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";
}
