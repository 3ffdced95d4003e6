using System.Text.Json.Nodes;
using Cryptshare.Topology.Oracle;
using Cryptshare.Topology.Oracle.Matrix;

namespace Cryptshare.Topology.Reports;

/// <summary>
/// The changes a fix may propose, each in the customer's own language (nft statements for an
/// nftables file, <c>-A CHAIN …</c> lines for an iptables-save file, placed by the file's lines)
/// and as the same edit of nft's JSON for <see cref="FixProof"/>. None is proposed unproven.
/// </summary>
public static class FixChanges
{
    /// <summary>
    /// The changes every flow may try: for a refused reply the return-traffic rule; a narrow rule
    /// (interfaces, destination, port) accepting the flow (or, for an exposed one, dropping it)
    /// just before the deciding rule, or at the end of the chain whose policy decided, then at the
    /// top of the deciding chain.
    /// </summary>
    public static IEnumerable<ProposedChange> General(FlowUnderDiagnosis flow, bool wantAllowed)
    {
        if (flow.Prediction is not { Rule: { } rule } prediction || flow.Case is not { } probe)
        {
            yield break;
        }

        if (prediction.Hop == Hops.Host)
        {
            foreach (var change in OnHost(flow))
            {
                yield return change;
            }

            yield break;
        }

        if (flow.Context.Perimeter is not { } perimeter || rule.Family is not ("ip" or "inet"))
        {
            yield break;
        }

        if (wantAllowed && prediction.Step != HandshakeStep.Syn)
        {
            foreach (var change in ReturnRule(flow))
            {
                yield return change;
            }
        }

        var destinationZone = flow.Context.Topology?.Zones.FirstOrDefault(z => z.Name == probe.Destination.Zone);
        var narrow = new FixRule(wantAllowed)
        {
            InputInterface = probe.SourceInterface,
            OutputInterface = destinationZone?.Interface,
            Destination = probe.Destination.Address,
            Port = probe.Port,
        };
        yield return Insert(perimeter, narrow, rule, rule.Handle, atTop: false);
        yield return Insert(perimeter, narrow, rule, null, atTop: true);
    }

    /// <summary>The return-traffic rule as the first rule of the chain that refused the reply.</summary>
    public static IEnumerable<ProposedChange> ReturnRule(FlowUnderDiagnosis flow)
    {
        if (flow.Prediction is { Rule: { } rule, Hop: Hops.Firewall } && flow.Context.Perimeter is { } perimeter)
        {
            yield return Insert(perimeter, new FixRule(true) { ReturnTraffic = true }, rule, null, atTop: true);
        }
    }

    /// <summary>The server's own firewall: accept the port from the source zone's network, before the rule that refused it or at the end of the file.</summary>
    public static IEnumerable<ProposedChange> OnHost(FlowUnderDiagnosis flow)
    {
        if (flow.Context.HostFirewall is not { } host || flow.Case is not { } probe)
        {
            yield break;
        }

        var zone = flow.Context.Topology?.Zones.FirstOrDefault(z => z.Name == probe.Source.Zone);
        var accept = new FixRule(true) { Source = zone?.Subnet, Port = probe.Port };
        var table = new RuleReference(HostFirewallTable.Family, HostFirewallTable.Name, HostFirewallTable.Chain, null, null, string.Empty);
        var refusing = flow.Prediction is { Hop: Hops.Host, Rule: { Handle: not null } r } && host.Locate(r) is { Line: not null } ? r : null;
        var expression = accept.Json();
        if (refusing is not null && host.Locate(refusing) is { } located)
        {
            yield return new ProposedChange(Hops.Host, edit => edit.InsertRule(refusing.Family, refusing.Table, refusing.Chain, refusing.Handle, false, expression.DeepClone().AsArray()),
                $"insert before {host.Describe(located)}: `{accept.Nft()}`");
        }

        yield return new ProposedChange(Hops.Host, edit => edit.InsertRule(table.Family, table.Table, table.Chain, null, false, expression.DeepClone().AsArray()),
            $"add at the end of {host.File}: `{accept.Nft()}`");
    }

    /// <summary>The rule that opens the wrong port, with the probed port in its place.</summary>
    public static IReadOnlyList<ProposedChange> ReplacePort(FlowUnderDiagnosis flow, RuleSetRules perimeter, LocatedRule opener, int wrongPort)
    {
        var rule = opener.Facts.Rule;
        var port = flow.Flow.Port;
        var where = opener.Line is { } line ? $"{perimeter.File}:{line}" : perimeter.Describe(opener);
        return
        [
            new ProposedChange(Hops.Firewall, edit => edit.Expression(rule) is { } expression && ReplaceDestinationPort(expression, wrongPort, port),
                $"on {where}, change port {wrongPort} to {port}"),
        ];
    }

    /// <summary>The rule that names the port as its source port, with it as the destination port instead.</summary>
    public static IReadOnlyList<ProposedChange> SourcePortToDestination(RuleSetRules perimeter, LocatedRule opener, int port, string wrong, string right)
    {
        var rule = opener.Facts.Rule;
        var where = opener.Line is { } line ? $"{perimeter.File}:{line}" : perimeter.Describe(opener);
        return
        [
            new ProposedChange(Hops.Firewall, edit => edit.Expression(rule) is { } expression && SourcePortToDestination(expression, port),
                $"on {where}, write `{right}` instead of `{wrong}`"),
        ];
    }

    /// <summary>For an exposed flow from the internet: the accepting rule without the source's interface in its input-interface set (nftables only: an iptables rule names one interface).</summary>
    public static IReadOnlyList<ProposedChange> TakeOutInputInterface(FlowUnderDiagnosis flow)
    {
        if (flow.Context.Perimeter is not { IsIptablesSave: false } perimeter || perimeter.Locate(flow.Prediction?.Rule) is not { Line: { } line } located)
        {
            return [];
        }

        var rule = located.Facts.Rule;
        var name = flow.SourceInterface;
        return
        [
            new ProposedChange(Hops.Firewall, edit => edit.Expression(rule) is { } expression && RemoveInputInterface(expression, name),
                $"on {perimeter.File}:{line}, take \"{name}\" out of its interfaces (iifname)"),
        ];
    }

    /// <summary>A rule inserted before a rule (<paramref name="beforeHandle"/>), at the top of the chain, or at its end, said where the file puts it.</summary>
    private static ProposedChange Insert(RuleSetRules rules, FixRule rule, RuleReference chainOf, long? beforeHandle, bool atTop)
    {
        var (family, table, chain) = (chainOf.Family, chainOf.Table, chainOf.Chain);
        var text = rules.IsIptablesSave ? $"`{rule.Iptables(chain)}`" : $"`{rule.Nft()}`";
        var inChain = rules.IsIptablesSave ? $"chain {chain} (*{table})" : $"chain {chain} of table {family} {table}";
        string where;
        if (beforeHandle is not null && rules.Locate(chainOf) is { Line: { } line })
        {
            where = $"insert before {rules.File}:{line} (in {inChain})";
        }
        else if (atTop && rules.FirstIn(family, table, chain) is { Line: { } first })
        {
            where = $"insert before {rules.File}:{first}, as the first rule of {inChain}";
        }
        else if (!atTop && beforeHandle is null && rules.LastIn(family, table, chain) is { Line: { } last })
        {
            where = $"insert after {rules.File}:{last}, at the end of {inChain}";
        }
        else
        {
            where = rules.IsIptablesSave ? $"add to {inChain}, before that section's COMMIT" : $"add to {inChain}";
        }

        var expression = rule.Json();
        return new ProposedChange(Hops.Firewall, edit => edit.InsertRule(family, table, chain, beforeHandle, atTop, expression.DeepClone().AsArray()), $"{where}: {text}");
    }

    private static bool ReplaceDestinationPort(JsonArray expression, int from, int to)
    {
        foreach (var match in Matches(expression).Where(m => IsDestinationPort(m["left"])))
        {
            switch (match["right"])
            {
                case JsonValue value when value.TryGetValue<int>(out var single) && single == from:
                    match["right"] = to;
                    return true;
                case JsonObject { } set when set["set"] is JsonArray items:
                    for (var i = 0; i < items.Count; i++)
                    {
                        if (items[i] is JsonValue item && item.TryGetValue<int>(out var port) && port == from)
                        {
                            items[i] = to;
                            return true;
                        }
                    }

                    break;
            }
        }

        return false;
    }

    private static bool SourcePortToDestination(JsonArray expression, int port)
    {
        foreach (var match in Matches(expression).Where(m => m["left"] is JsonObject o && o["payload"] is JsonObject payload && payload["field"]?.GetValue<string>() == "sport"))
        {
            if (match["right"] is JsonValue value && value.TryGetValue<int>(out var single) && single == port)
            {
                match["left"]!["payload"]!["field"] = "dport";
                return true;
            }
        }

        return false;
    }

    private static bool RemoveInputInterface(JsonArray expression, string name)
    {
        foreach (var match in Matches(expression).Where(m => m["left"] is JsonObject left && left["meta"]?["key"]?.GetValue<string>() == "iifname"))
        {
            if (match["right"] is JsonObject { } set && set["set"] is JsonArray items)
            {
                var index = items.Select((item, i) => (item, i)).FirstOrDefault(p => p.item is JsonValue v && v.TryGetValue<string>(out var s) && s == name).i;
                if (items.Count > 1 && items[index] is JsonValue v2 && v2.TryGetValue<string>(out var found) && found == name)
                {
                    items.RemoveAt(index);
                    return true;
                }
            }
        }

        return false;
    }

    private static IEnumerable<JsonObject> Matches(JsonArray expression) =>
        expression.OfType<JsonObject>().Select(e => e["match"]).OfType<JsonObject>().Where(m => m["op"]?.GetValue<string>() is "==" or "in");

    private static bool IsDestinationPort(JsonNode? left) =>
        left is JsonObject o && o["payload"] is JsonObject payload && payload["field"]?.GetValue<string>() == "dport";
}
