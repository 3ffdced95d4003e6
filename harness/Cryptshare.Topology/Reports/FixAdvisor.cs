using Cryptshare.Topology.Model;

namespace Cryptshare.Topology.Reports;

/// <summary>
/// The likely fix for a diagnosed flow: the first hint in a fixed order whose evidence is in the
/// data (verdict, deciding rule, the compiled rule set, the topology), most specific first.
/// </summary>
public static class FixAdvisor
{
    private static readonly Func<FlowUnderDiagnosis, string?>[] BlockedHints =
    [
        HarnessRouting,
        ProtocolFailed,
        MissingReturnRule,
        WrongPortOpened,
        HostFirewallRefuses,
        RefusedBeforeAccepted,
        OpenedButNotMatched,
    ];

    /// <summary>A required flow that does not work: what to change so that it does.</summary>
    public static string ForBlocked(FlowUnderDiagnosis flow) =>
        BlockedHints.Select(hint => hint(flow)).FirstOrDefault(fix => fix is not null) ?? NothingOpens(flow);

    /// <summary>A flow the documentation keeps closed that is open: what to change so that it closes.</summary>
    public static string ForExposed(FlowUnderDiagnosis flow)
    {
        var rule = AcceptingRule(flow);
        if (flow.Definition is { } definition && definition.Required != "never" && flow.SourceRole == ZoneRoles.Internet)
        {
            var inside = flow.Context.Topology?.Zones
                .Where(z => z.Role is ZoneRoles.Admin or ZoneRoles.Intranet)
                .Select(z => $"\"{z.Interface}\"")
                .ToList() is { Count: > 0 } names ? string.Join(", ", names) : "\"admin\", \"intranet\"";
            return $"restrict {rule} to the intranet as the documentation recommends: take \"{flow.SourceInterface}\" out of its interfaces (e.g. iifname {{ {inside} }})";
        }

        return $"{rule} accepts more than the documented flows: narrow it so that tcp port {flow.Flow.Port} from the {flow.Flow.From} zone to {flow.Flow.To} stays closed";
    }

    private static string? HarnessRouting(FlowUnderDiagnosis flow) => flow.Flow.Observed == Verdict.Unroutable
        ? "none in the rule set: the harness could not route this probe, so the result says nothing about the rules; check the topology's addresses and routes"
        : null;

    private static string? ProtocolFailed(FlowUnderDiagnosis flow) => flow.Flow.Observed == Verdict.Broken
        ? $"not a closed port: the connection was made but the {flow.Definition?.Protocol.ToWord() ?? "protocol"} exchange failed ({flow.Flow.Detail}); look at what sits between {flow.Flow.From} and {flow.Flow.To} (a proxy that strips headers, TLS inspection, a certificate for another name)"
        : null;

    private static string? MissingReturnRule(FlowUnderDiagnosis flow)
    {
        if (!flow.EveryFlowRefused)
        {
            return null;
        }

        if (flow.Context.Perimeter is { } perimeter)
        {
            return perimeter.AcceptsReturnTraffic
                ? null
                : $"{perimeter.File} has no rule accepting return traffic, so every reply is dropped and every flow fails, even where a rule opens the port: add `ct state established,related accept` as the first rule of the forward chain";
        }

        return "every flow of this rule set is refused; the usual cause is a missing return-traffic rule: check for `ct state established,related accept` (iptables: `-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`) at the top of the forward chain";
    }

    /// <summary>The rule set opens the documentation's or the default port, and the service listens on another (LDAPS 686 vs 636, a moved admin port).</summary>
    private static string? WrongPortOpened(FlowUnderDiagnosis flow)
    {
        var probed = flow.Flow.Port;
        if (flow.Context.Perimeter is not { } perimeter || perimeter.Accepting(probed).Any())
        {
            return null;
        }

        var candidates = new List<int>();
        if (flow.Definition is { } definition && definition.Port != probed)
        {
            candidates.Add(definition.Port);
        }

        if (flow.IsLdaps)
        {
            candidates.AddRange(new[] { LdapsPorts.Standard, LdapsPorts.AsPrintedInTheVendorTable }.Where(p => p != probed && !candidates.Contains(p)));
        }

        foreach (var candidate in candidates)
        {
            if (perimeter.Accepting(candidate).FirstOrDefault() is not { } opener)
            {
                continue;
            }

            var where = perimeter.Describe(opener);
            if (flow.IsLdaps && candidate == LdapsPorts.AsPrintedInTheVendorTable && probed == LdapsPorts.Standard)
            {
                return $"{where} opens 686, the number printed in the vendor documentation; LDAPS listens on 636: open tcp port 636 there instead";
            }

            if (flow.IsLdaps && candidate == LdapsPorts.Standard)
            {
                return $"{where} opens 636, the standard LDAPS port, but this directory serves LDAPS on {probed}: open tcp port {probed} there too";
            }

            return $"{where} opens {candidate}, the documented default, but this topology serves {flow.Flow.Id} on {probed}: open tcp port {probed} there";
        }

        return null;
    }

    private static string? HostFirewallRefuses(FlowUnderDiagnosis flow)
    {
        if (flow.Context.HostFirewall is not { } host || flow.Definition?.Direction == "through")
        {
            return null;
        }

        if (host.Refusing(flow.Flow.Port).FirstOrDefault() is { } refusing)
        {
            return $"the Cryptshare Server's own firewall refuses it ({host.Describe(refusing)}): open tcp port {flow.Flow.Port} there as well; the perimeter alone is not enough";
        }

        // The host firewall's file may be bare statements that the server wraps in its own table,
        // so a deciding table the perimeter's text does not define is taken for the host's.
        var decidedInHost = flow.Deciding?.Rule.Table is { Length: > 0 } table &&
            (host.DefinesTable(table) || (flow.Context.Perimeter is { } perimeter && !perimeter.DefinesTable(table)));
        return decidedInHost
            ? $"the Cryptshare Server's own firewall refuses it ({flow.Deciding!.Name}): open tcp port {flow.Flow.Port} there as well"
            : null;
    }

    private static string? RefusedBeforeAccepted(FlowUnderDiagnosis flow)
    {
        if (flow.Deciding is not { IsPolicy: false, Refuses: true } deciding)
        {
            return null;
        }

        return flow.Context.Perimeter?.Accepting(flow.Flow.Port).FirstOrDefault() is { } opener
            ? $"{deciding.Name} refuses it before {flow.Context.Perimeter.Describe(opener)} can accept it: move that rule above it, or narrow the refusing rule"
            : $"{deciding.Name} refuses it and no rule before it accepts tcp port {flow.Flow.Port}: add {flow.SuggestedRule} above it";
    }

    private static string? OpenedButNotMatched(FlowUnderDiagnosis flow)
    {
        if (flow.Context.Perimeter is not { } perimeter || perimeter.Accepting(flow.Flow.Port).ToList() is not { Count: > 0 } openers)
        {
            return null;
        }

        var lines = string.Join(" and ", openers.Take(2).Select(perimeter.Describe));
        return $"{lines} open{(openers.Count == 1 ? "s" : string.Empty)} tcp port {flow.Flow.Port}, but not for this flow: check interface names and addresses against the {flow.SourceInterface} zone → {flow.Flow.To}" +
            (flow.DestinationHost is { } host ? $" ({host.Address}), or add {flow.SuggestedRule}" : string.Empty);
    }

    private static string NothingOpens(FlowUnderDiagnosis flow) =>
        $"no rule opens tcp port {flow.Flow.Port} from the {flow.SourceInterface} zone to {flow.Flow.To}: add {flow.SuggestedRule} to the forward chain";

    /// <summary>The rule that let an exposed flow through: the deciding rule, else the line that opens its port for its zone.</summary>
    private static string AcceptingRule(FlowUnderDiagnosis flow)
    {
        if (flow.Deciding is { Refuses: false } deciding)
        {
            return deciding.Name;
        }

        if (flow.Context.Perimeter is { } perimeter)
        {
            var openers = perimeter.Accepting(flow.Flow.Port).ToList();
            var opener = openers.FirstOrDefault(r => r.Facts.NamesInputInterface(flow.SourceInterface)) ?? openers.FirstOrDefault();
            if (opener is not null)
            {
                return perimeter.Describe(opener);
            }
        }

        return "the rule that accepts it";
    }
}

/// <summary>LDAPS's port, and the number the vendor's table prints for it.</summary>
public static class LdapsPorts
{
    public const int Standard = 636;
    public const int AsPrintedInTheVendorTable = 686;
}
