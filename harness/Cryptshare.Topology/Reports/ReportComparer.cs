using Cryptshare.Topology.Input;
using Cryptshare.Topology.Model;

namespace Cryptshare.Topology.Reports;

/// <summary>
/// Puts the simulation beside the customer's real network: joins a simulated matrix (run or analyze)
/// with live reports by flow and source zone, and says for each difference what it means in the
/// user's terms — which of the three usual stories it is (something on the path the rules given do
/// not contain; rules that are not the ones in force; a connection that stands but a protocol that
/// fails), with the evidence the agent saw (the ICMP's sender, the hops, the protocol's error).
/// </summary>
public static class ReportComparer
{
    public static ReportComparison Compare(SimulatedMatrix simulated, IReadOnlyList<(string File, LiveReport Report)> live)
    {
        var simulatedByKey = simulated.Flows.GroupBy(Key).ToDictionary(g => g.Key, g => g.First());
        var rows = new List<FlowComparison>();
        var probed = new HashSet<string>();
        foreach (var (_, report) in live)
        {
            var paths = report.Paths.ToDictionary(p => Key(p.FlowId, p.From), p => p.Hops);
            foreach (var flow in report.Observed.Flows)
            {
                var key = Key(flow.Id, flow.From);
                probed.Add(key);
                var hops = paths.GetValueOrDefault(key);
                rows.Add(simulatedByKey.TryGetValue(key, out var sim)
                    ? Row(sim, flow, report.Machine, hops)
                    : new FlowComparison(flow.Id, flow.From, flow.To, flow.Port, null, flow.Observed, Agreement.NotSimulated,
                        $"The simulated report has no {flow.Id} from {flow.From}: the site file and the simulated topology are not the same network (compare with the report of run or analyze --site of this site).",
                        null, flow.Detail, report.Machine, hops));
            }
        }

        if (rows.All(r => r.Agreement == Agreement.NotSimulated))
        {
            throw new InputException(simulated.File, 0,
                $"has no flow in common with the live report{(live.Count == 1 ? string.Empty : "s")} ({string.Join(", ", live.Select(l => l.File))}): they describe different networks; simulate the site with `run --site` or `analyze --site`");
        }

        rows.AddRange(simulated.Flows.Where(f => !probed.Contains(Key(f))).Select(f => new FlowComparison(
            f.Id, f.From, f.To, f.Port, f.Verdict, null, Agreement.NotProbedLive,
            $"Not probed live: no live report is from the {f.From} zone (run the agent there with --zone {f.From}).", f.Rule, null, null, null)));
        var warnings = live.Where(l => !l.Report.Tls.Validated)
            .Select(l => $"{l.File}: certificates were not checked on {l.Report.Machine} ({l.Report.Tls.How}): a TLS problem there shows as allowed")
            .ToList();
        var sides = live.Select(l => new LiveSide(l.File, l.Report.Machine, l.Report.Time, l.Report.Site, l.Report.Zone, l.Report.Tls)).ToList();
        return new ReportComparison(simulated.File, simulated.Made, simulated.RuleSet, sides, rows, warnings);
    }

    private static FlowComparison Row(SimulatedFlow sim, FlowReport live, string machine, IReadOnlyList<Hop>? hops)
    {
        var (agreement, meaning) = Meaning(sim, live, hops);
        return new FlowComparison(live.Id, live.From, live.To, live.Port, sim.Verdict, live.Observed, agreement, meaning, sim.Rule, live.Detail, machine, hops);
    }

    private static (Agreement, string) Meaning(SimulatedFlow sim, FlowReport live, IReadOnlyList<Hop>? hops)
    {
        var rule = sim.Rule is null ? string.Empty : $" ({sim.Rule})";
        var observed = live.Observed;
        return sim.Verdict switch
        {
            null => (Agreement.NotPredicted,
                $"The simulation could not predict this flow ({sim.Detail}); live it is {observed.ToWord()}. Not knowing is no agreement."),
            { } verdict when verdict == observed => (Agreement.Agree, $"Both {observed.ToWord()}."),
            _ when observed == Verdict.Unroutable => (Agreement.NoRouteLive,
                $"Live, the agent's machine could not route to {live.To} ({live.Detail}): a routing problem of that machine or its network, not a firewall rule; the simulation says {sim.Verdict!.Value.ToWord()}."),
            Verdict.Allowed when observed is Verdict.Dropped => (Agreement.BlockedOnThePath,
                $"The rules given allow it{rule}, but live nothing answers: a device or host firewall on the path that the rules given do not contain drops it (another firewall, the server's own firewall, a security group){Where(hops)}."),
            Verdict.Allowed when observed is Verdict.Rejected => (Agreement.BlockedOnThePath,
                $"The rules given allow it{rule}, but live it is refused ({live.Detail}): {Refuser(live)}, which the rules given do not contain{Where(hops)}."),
            Verdict.Dropped or Verdict.Rejected when observed == Verdict.Allowed => (Agreement.RulesNotInForce,
                $"The rules given block it{rule}, but live it works: the rules given are not the ones in force (an older or newer rule set, a rule added since, or a path around this firewall)."),
            Verdict.Allowed when observed == Verdict.Broken => (Agreement.BrokenInTheProtocol,
                $"Allowed at layer 4 (the connection stood, so the firewall lets it through), but broken in the protocol: {ProtocolProblem(live)}."),
            Verdict.Dropped or Verdict.Rejected when observed is Verdict.Dropped or Verdict.Rejected => (Agreement.BlockedDifferently,
                $"Blocked in both, but live it is {observed.ToWord()} where the rules given have it {sim.Verdict!.Value.ToWord()}{rule}: another device decides, or the rules in force differ ({live.Detail})."),
            _ => (Agreement.Differs, $"Simulated {sim.Verdict!.Value.ToWord()}, live {observed.ToWord()} ({live.Detail})."),
        };
    }

    /// <summary>Who refused, from the agent's detail: an ICMP names its sender, a reset comes from the destination or a device that speaks for it.</summary>
    private static string Refuser(FlowReport live) =>
        live.Detail.Contains("ICMP", StringComparison.Ordinal)
            ? "a device on the path refuses it with an ICMP error (its sender is named above)"
            : live.Detail.Contains("RST", StringComparison.Ordinal)
                ? $"the destination (or a device answering for it) resets the connection: nothing listens on port {live.Port} there, or a host firewall rejects it"
                : "something on the path refuses it";

    /// <summary>Where the packets were last seen, from the TTL-limited probe.</summary>
    private static string Where(IReadOnlyList<Hop>? hops)
    {
        if (hops is not { Count: > 0 })
        {
            return string.Empty;
        }

        var path = string.Join(", ", hops.Select(h => $"{h.Ttl} {h.Address ?? "no answer"}"));
        var last = hops.LastOrDefault(h => h.Address is not null);
        return last is null
            ? $". Hops the agent saw: {path}: not even the first hop answered"
            : $". Hops the agent saw: {path}: the last to answer was {last.Address} (hop {last.Ttl}), so it is lost after that";
    }

    /// <summary>The protocol failure in the user's terms, from the agent's detail.</summary>
    private static string ProtocolProblem(FlowReport live)
    {
        var detail = live.Detail;
        bool Has(string text) => detail.Contains(text, StringComparison.OrdinalIgnoreCase);
        if (Has("name mismatch"))
        {
            return $"the TLS name does not match — the certificate does not carry the name clients use ({detail}); fix the certificate, or the name in the site file";
        }

        if (Has("does not chain") || Has("UntrustedRoot") || Has("PartialChain"))
        {
            return $"the TLS certificate comes from another issuer — a TLS-inspecting proxy or a certificate from a CA clients do not trust ({detail})";
        }

        if (Has("TLS"))
        {
            return $"TLS fails ({detail})";
        }

        if (Has("AUTH refused") || Has("login refused") || Has("LDAP error 49") || Has("invalid credentials"))
        {
            return $"the server refuses the login (AUTH) ({detail}); check the credentials, or an AUTH policy on the server";
        }

        if (Has("X-CS-"))
        {
            return $"a proxy strips headers — Cryptshare for Outlook's X-CS-* headers do not reach the server ({detail})";
        }

        return Has("HTTP ") ? $"the service answers with an error ({detail})" : $"the exchange fails ({detail})";
    }

    private static string Key(SimulatedFlow flow) => Key(flow.Id, flow.From);

    private static string Key(string flowId, string from) => $"{flowId}/{from}";
}
