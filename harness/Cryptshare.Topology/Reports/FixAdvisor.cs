using Cryptshare.Topology.Model;
using Cryptshare.Topology.Oracle.Matrix;

namespace Cryptshare.Topology.Reports;

/// <summary>
/// The fix for a diagnosed flow. First why it happens: the first hint in a fixed order whose
/// evidence is in the data (verdict, deciding rule, the compiled rule set, the topology), most
/// specific first. Then what to change, but only a change that has been proven
/// (<see cref="FixProof"/>: applied to a copy of the rule set, the oracle predicts every flow
/// again, the flow becomes as required and no other flow changes), written in the customer's own
/// language (<see cref="FixChanges"/>); where no single change proves itself, the deciding rule
/// (table, chain, file line) and the words "no single-rule fix was found".
/// </summary>
public static class FixAdvisor
{
    /// <summary>What a fix says when no change proved itself.</summary>
    public const string NoSingleRuleFix = "no single-rule fix was found";

    /// <summary>Where a proven fix's account of its check begins: what comes before is the change itself.</summary>
    public const string CheckedMark = " (checked: ";

    /// <summary>Where the check's account names the flows the change opens that the rules accept at their first packet already.</summary>
    public const string AlsoOpensMark = "; it also opens ";

    private static readonly Func<FlowUnderDiagnosis, Hint?>[] BlockedHints =
    [
        MissingReturnRule,
        PortInTheSourceColumn,
        WrongPortOpened,
        HostFirewallRefuses,
        RefusedBeforeAccepted,
        SetHoldsAnotherPair,
        OpenedOnlyForTheFirewallItself,
        OpenedButNotMatched,
    ];

    /// <summary>A required flow that does not work: what to change so that it does.</summary>
    public static Advice ForBlocked(FlowUnderDiagnosis flow)
    {
        if ((HarnessRouting(flow) ?? ProtocolFailed(flow)) is { } notTheRules)
        {
            return new Advice(notTheRules, null);
        }

        var hint = BlockedHints.Select(h => h(flow)).FirstOrDefault(h => h is not null) ?? NothingOpens(flow);
        return Proven(flow, hint, wantAllowed: true);
    }

    /// <summary>A flow the documentation keeps closed that is open: what to change so that it closes.</summary>
    public static Advice ForExposed(FlowUnderDiagnosis flow)
    {
        var rule = AcceptingRule(flow);
        if (flow.Definition is { } definition && definition.Required != "never" && flow.SourceRole == ZoneRoles.Internet)
        {
            return Proven(flow, new Hint($"{rule} lets it in from the internet; the documentation recommends the intranet only", FixChanges.TakeOutInputInterface(flow)), wantAllowed: false);
        }

        return Proven(flow, new Hint($"{rule} accepts more than the documented flows", []), wantAllowed: false);
    }

    /// <summary>Why a flow is as it is, and the changes particular to that cause (tried before the general ones).</summary>
    private sealed record Hint(string Why, IEnumerable<ProposedChange> Changes);

    private static Advice Proven(FlowUnderDiagnosis flow, Hint hint, bool wantAllowed)
    {
        if (flow.Context.Proof is { } proof)
        {
            if (flow.Prediction is { Verdict: { } predicted } && predicted != flow.Flow.Observed)
            {
                return new Advice($"{hint.Why}; {NoSingleRuleFix} that could be checked: the oracle predicts {predicted.ToWord()} where the probe saw {flow.Flow.Observed.ToWord()}; {DecidedAt(flow)}", null);
            }

            var changes = hint.Changes.Concat(FixChanges.General(flow, wantAllowed));
            if (proof.FirstProven(changes, flow.Key, wantAllowed, flow.Diagnosed) is { } proven)
            {
                return new Advice($"{hint.Why}: {proven.Change.Text} ({Checked(proven, wantAllowed)})", proven);
            }
        }

        return new Advice($"{hint.Why}; {NoSingleRuleFix}: {DecidedAt(flow)}", null);
    }

    private static string Checked(ProvenChange proven, bool wantAllowed)
    {
        var also = proven.AlsoFixes.Count == 0 ? string.Empty : $"; it also mends {string.Join(", ", proven.AlsoFixes)}";
        var opens = proven.AlsoOpens.Count == 0 ? string.Empty : $"{AlsoOpensMark}{string.Join(", ", proven.AlsoOpens)}, whose first packet the rules accept already";
        return $"{CheckedMark[2..]}with this change the oracle predicts {(wantAllowed ? "allowed" : "closed")} for this flow and no other flow changes{also}{opens}";
    }

    /// <summary>Where the flow is decided: table, chain and file line of the rule, or the chain's policy.</summary>
    private static string DecidedAt(FlowUnderDiagnosis flow)
    {
        var rule = flow.Deciding?.Rule ?? flow.Prediction?.Rule;
        if (rule is null)
        {
            return "the deciding rule is not known";
        }

        var rules = flow.Prediction?.Hop == Hops.Host || (flow.Context.HostFirewall?.DefinesTable(rule.Table) == true && flow.Context.Perimeter?.DefinesTable(rule.Table) != true)
            ? flow.Context.HostFirewall
            : flow.Context.Perimeter;
        var place = $"table {rule.Family} {rule.Table}, chain {rule.Chain}";
        if (rule.Handle is null)
        {
            return $"the {rule.Text} of {place} decides it";
        }

        return rules?.Locate(rule) is { } located ? $"it is decided by {place}, {rules.Describe(located)}" : $"it is decided by {place}, rule #{rule.Handle}";
    }

    private static string? HarnessRouting(FlowUnderDiagnosis flow) => flow.Flow.Observed == Verdict.Unroutable
        ? "none in the rule set: the harness could not route this probe, so the result says nothing about the rules; check the topology's addresses and routes"
        : null;

    private static string? ProtocolFailed(FlowUnderDiagnosis flow) => flow.Flow.Observed == Verdict.Broken
        ? $"not a closed port: the connection was made but the {flow.Definition?.Protocol.ToWord() ?? "protocol"} exchange failed ({flow.Flow.Detail}); look at what sits between {flow.Flow.From} and {flow.Flow.To} (a proxy that strips headers, TLS inspection, a certificate for another name)"
        : null;

    private static Hint? MissingReturnRule(FlowUnderDiagnosis flow)
    {
        if (!flow.EveryFlowRefused)
        {
            return null;
        }

        if (flow.Context.Perimeter is { } perimeter)
        {
            return perimeter.AcceptsReturnTraffic
                ? null
                : new Hint($"{perimeter.File} has no rule accepting return traffic, so every reply is dropped and every flow fails, even where a rule opens the port", FixChanges.ReturnRule(flow));
        }

        return new Hint("every flow of this rule set is refused; the usual cause is a missing return-traffic rule: check for `ct state established,related accept` (iptables: `-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`) at the top of the forward chain", []);
    }

    /// <summary>
    /// A rule for the flow's zone accepts the flow's port as a source port (iptables <c>--sport</c>,
    /// nft <c>tcp sport</c>) and no rule accepts it as a destination port: the port was written in the
    /// wrong column (in Shorewall's rules file, a stray <c>-</c> in DPORT moves the port to SPORT).
    /// </summary>
    private static Hint? PortInTheSourceColumn(FlowUnderDiagnosis flow)
    {
        var port = flow.Flow.Port;
        if (flow.Context.Perimeter is not { } perimeter || perimeter.Accepting(port).Any(r => r.Facts.NamesInputInterface(flow.SourceInterface))
            || perimeter.AcceptingFromSourcePort(port).FirstOrDefault() is not { } opener)
        {
            return null;
        }

        var (wrong, right) = perimeter.IsIptablesSave ? ($"--sport {port}", $"--dport {port}") : ($"tcp sport {port}", $"tcp dport {port}");
        var shorewall = perimeter.IsIptablesSave ? " (in Shorewall's rules file, a `-` in the DPORT column moves the port to SPORT)" : string.Empty;
        return new Hint($"{perimeter.Describe(opener)} accepts {wrong}, the port the connection comes from, not the one it goes to: the port is in the source-port column{shorewall}",
            FixChanges.SourcePortToDestination(perimeter, opener, port, wrong, right));
    }

    /// <summary>The rule set opens the documentation's or the default port, and the service listens on another (LDAPS 686 vs 636, a moved admin port).</summary>
    private static Hint? WrongPortOpened(FlowUnderDiagnosis flow)
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
            var changes = FixChanges.ReplacePort(flow, perimeter, opener, candidate);
            if (flow.IsLdaps && candidate == LdapsPorts.AsPrintedInTheVendorTable && probed == LdapsPorts.Standard)
            {
                return new Hint($"{where} opens 686, the number printed in the vendor documentation; LDAPS listens on 636", changes);
            }

            if (flow.IsLdaps && candidate == LdapsPorts.Standard)
            {
                return new Hint($"{where} opens 636, the standard LDAPS port, but this directory serves LDAPS on {probed}", changes);
            }

            return new Hint($"{where} opens {candidate}, the documented default, but this topology serves {flow.Flow.Id} on {probed}", changes);
        }

        return null;
    }

    private static Hint? HostFirewallRefuses(FlowUnderDiagnosis flow)
    {
        if (flow.Context.HostFirewall is not { } host || flow.Definition?.Direction == "through")
        {
            return null;
        }

        if (host.Refusing(flow.Flow.Port).FirstOrDefault() is { } refusing)
        {
            return new Hint($"the Cryptshare Server's own firewall refuses it ({host.Describe(refusing)}); the perimeter alone is not enough", FixChanges.OnHost(flow));
        }

        // The host firewall's file may be bare statements that the server wraps in its own table,
        // so a deciding table the perimeter's text does not define is taken for the host's.
        var decidedInHost = flow.Prediction?.Hop == Hops.Host || (flow.Deciding?.Rule.Table is { Length: > 0 } table &&
            (host.DefinesTable(table) || (flow.Context.Perimeter is { } perimeter && !perimeter.DefinesTable(table))));
        return decidedInHost
            ? new Hint($"the Cryptshare Server's own firewall refuses it ({flow.Deciding?.Name ?? host.File})", FixChanges.OnHost(flow))
            : null;
    }

    private static Hint? RefusedBeforeAccepted(FlowUnderDiagnosis flow)
    {
        if (flow.Deciding is not { IsPolicy: false, Refuses: true } deciding)
        {
            return null;
        }

        var perimeter = flow.Context.Perimeter;
        var refusing = perimeter?.Locate(flow.Prediction?.Rule ?? deciding.Rule) is { } located ? perimeter.Describe(located) : deciding.Name;
        var rule = flow.Prediction?.Rule ?? deciding.Rule;
        // Only a rule meant for this flow's zone can be "refused before it accepts": a rule opening
        // the same port for other zones says nothing about this flow.
        if (perimeter?.Accepting(flow.Flow.Port).FirstOrDefault(r => r.Facts.NamesInputInterface(flow.SourceInterface)) is not { } opener)
        {
            return new Hint($"{refusing} refuses it and no rule before it accepts tcp port {flow.Flow.Port}", []);
        }

        var openerRule = opener.Facts.Rule;
        if (openerRule.Table != rule.Table || openerRule.Family != rule.Family)
        {
            return new Hint(CrossTable(perimeter, rule, openerRule) + $": {refusing} refuses it, whatever {perimeter.Describe(opener)} accepts", []);
        }

        return new Hint($"{refusing} refuses it before {perimeter.Describe(opener)} can accept it", []);
    }

    /// <summary>
    /// "table `ip guard` refuses it at forward priority filter - 10 before `inet perimeter` sees it":
    /// two tables hooked into the same hook, the refusing one first.
    /// </summary>
    private static string CrossTable(RuleSetRules rules, Oracle.RuleReference refusing, Oracle.RuleReference accepting)
    {
        var hook = rules.HooksReaching(refusing.Family, refusing.Table, refusing.Chain).FirstOrDefault() ?? "forward";
        var chains = rules.Structure.BaseChains().Where(c => c.Hook == hook).ToList();
        var first = chains.FirstOrDefault(c => c.Family == refusing.Family && c.Table == refusing.Table);
        var later = chains.FirstOrDefault(c => c.Family == accepting.Family && c.Table == accepting.Table);
        var at = first is null ? hook : $"{hook} priority {first.PriorityName}";
        var laterAt = later is null ? string.Empty : $" (priority {later.PriorityName})";
        return $"table `{refusing.Family} {refusing.Table}` refuses it at {at} before `{accepting.Family} {accepting.Table}`{laterAt} sees it";
    }

    /// <summary>A named set of address-and-port pairs holds the flow's port for another address and not for the flow's: two pairs swapped.</summary>
    private static Hint? SetHoldsAnotherPair(FlowUnderDiagnosis flow) =>
        flow.Context.Perimeter is { } perimeter && flow.Case is { } probe && SetPairs.Find(perimeter, probe.Destination.Address, flow.Flow.Port) is { } pair
            ? new Hint(pair.Why, pair.Changes(flow))
            : null;

    /// <summary>The port is opened only in chains the input hook reaches: for the firewall itself, not for traffic through it (ufw's `ufw allow` where `ufw route allow` was meant).</summary>
    private static Hint? OpenedOnlyForTheFirewallItself(FlowUnderDiagnosis flow)
    {
        if (flow.Context.Perimeter is not { } perimeter)
        {
            return null;
        }

        var openers = perimeter.Accepting(flow.Flow.Port).Where(r => r.Facts.NamesInputInterface(flow.SourceInterface)).ToList();
        var forInput = openers.Where(r => !perimeter.HooksReaching(r.Facts.Rule.Family, r.Facts.Rule.Table, r.Facts.Rule.Chain).Contains("forward")
            && perimeter.HooksReaching(r.Facts.Rule.Family, r.Facts.Rule.Table, r.Facts.Rule.Chain).Contains("input")).ToList();
        if (forInput.Count == 0 || forInput.Count != openers.Count)
        {
            return null;
        }

        var opener = forInput[0];
        var chain = opener.Facts.Rule.Chain;
        var outInterface = flow.DestinationHost is { } host ? flow.Context.Topology?.Zones.FirstOrDefault(z => z.Name == host.Zone)?.Interface : null;
        var ufw = !chain.StartsWith("ufw-", StringComparison.Ordinal) ? string.Empty
            : flow.DestinationHost is { } destination && outInterface is not null
                ? $" (ufw writes `ufw allow` rules there; traffic through the firewall needs `ufw route allow in on {flow.SourceInterface} out on {outInterface} to {destination.Address} port {flow.Flow.Port} proto tcp`)"
                : " (ufw writes `ufw allow` rules there; traffic through the firewall needs `ufw route allow in on … out on …`)";
        return new Hint($"{perimeter.Describe(opener)} accepts tcp port {flow.Flow.Port} in chain {chain}, which only the input hook reaches: traffic to the firewall itself, not traffic through it to {flow.Flow.To}{ufw}", []);
    }

    private static Hint? OpenedButNotMatched(FlowUnderDiagnosis flow)
    {
        if (flow.Context.Perimeter is not { } perimeter || perimeter.Accepting(flow.Flow.Port).ToList() is not { Count: > 0 } openers)
        {
            return null;
        }

        var lines = string.Join(" and ", openers.Take(2).Select(perimeter.Describe));
        return new Hint($"{lines} open{(openers.Count == 1 ? "s" : string.Empty)} tcp port {flow.Flow.Port}, but not for this flow (from the {flow.SourceInterface} zone to {flow.Flow.To}" +
            (flow.DestinationHost is { } host ? $" {host.Address})" : ")"), []);
    }

    private static Hint NothingOpens(FlowUnderDiagnosis flow) =>
        new($"no rule opens tcp port {flow.Flow.Port} from the {flow.SourceInterface} zone to {flow.Flow.To}", []);

    /// <summary>The rule that let an exposed flow through: the deciding rule, else the line that opens its port for its zone.</summary>
    private static string AcceptingRule(FlowUnderDiagnosis flow)
    {
        if (flow.Context.Perimeter is { } rules && (rules.Locate(flow.Deciding?.Rule) ?? rules.Locate(flow.Prediction?.Rule)) is { } located)
        {
            return rules.Describe(located);
        }

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

/// <summary>A fix as the diagnosis prints it, and the change it proposes as proven (null: none proposed).</summary>
public sealed record Advice(string Text, ProvenChange? Proven);

/// <summary>LDAPS's port, and the number the vendor's table prints for it.</summary>
public static class LdapsPorts
{
    public const int Standard = 636;
    public const int AsPrintedInTheVendorTable = 686;
}
