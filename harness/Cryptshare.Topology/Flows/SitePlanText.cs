using Cryptshare.Topology.Model;
using Cryptshare.Topology.Probing;

namespace Cryptshare.Topology.Flows;

/// <summary>
/// What the agent's <c>--dry-run</c> prints: exactly the addresses and ports a plan would contact,
/// the TTL-limited SYNs a blocked flow adds (to the same address and port), the name lookups LDAPS
/// makes, and the flows left out. One line per address begins with <see cref="ContactPrefix"/>.
/// </summary>
public static class SitePlanText
{
    public const string ContactPrefix = "  contact ";

    public static IReadOnlyList<string> DryRun(SiteDefinition site, SitePlanResult plan, int maxHops)
    {
        var zone = plan.Zone;
        var lines = new List<string>
        {
            $"dry run: nothing is contacted. Site {site.Name}, zone {zone.Name}: run this {zone.RunOn}.",
            plan.Targets.Count == 1
                ? "It would contact exactly this address, over TCP, and nothing else:"
                : $"It would contact exactly these {plan.Targets.Count} addresses, over TCP, and nothing else:",
        };
        foreach (var byAddress in plan.Probes.GroupBy(p => p.Request.Address).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var host = byAddress.First().Request.Destination;
            var ports = byAddress.GroupBy(p => p.Request.Port).OrderBy(g => g.Key)
                .Select(g => $"{g.Key} ({string.Join(", ", g.Select(p => $"{p.Request.Flow}: {p.Request.Protocol.ToString().ToLowerInvariant()}"))})");
            lines.Add($"{ContactPrefix}{byAddress.Key} ({host}): port {string.Join("; port ", ports)}");
        }

        lines.Add($"For a flow that is dropped or refused it also sends up to {maxHops} SYNs with TTL 1, 2, … to that flow's own address and port, to see how far they get.");
        foreach (var ldaps in plan.Probes.Where(p => p.Request.Protocol == ProbeProtocol.Ldaps && p.Request.TlsName is { } name && name != p.Request.Address))
        {
            lines.Add($"{ldaps.Request.Flow}: LDAPS connects by name, so {ldaps.Request.TlsName} is looked up with this machine's resolver (hosts file or DNS) and must lead to {ldaps.Request.Address}; otherwise it is not contacted.");
        }

        lines.AddRange(plan.Skipped.Select(s => $"skipped: {s.FlowId} to {s.To} (port {s.Port}): {s.Why}"));
        if (plan.Probes.Count == 0)
        {
            lines.Add($"No flow of the catalog starts in zone {zone.Name} towards a host of this site.");
        }

        return lines;
    }
}
