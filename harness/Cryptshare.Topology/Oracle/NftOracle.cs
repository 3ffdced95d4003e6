using System.Runtime.CompilerServices;
using Cryptshare.Topology.Oracle.Compile;
using Cryptshare.Topology.Oracle.Model;
using Cryptshare.Topology.Oracle.Runtime;

namespace Cryptshare.Topology.Oracle;

/// <summary>How the oracle is built.</summary>
public sealed record OracleOptions
{
    /// <summary>Routes a destination changed by DNAT (and gives the addresses masquerade and redirect use). Without it, a DNAT to another address gives an unknown verdict.</summary>
    public IPacketRouting? Routing { get; init; }

    /// <summary>Index large chains (bit-vector classification). Off only to check the index against a plain scan.</summary>
    public bool UseChainIndex { get; init; } = true;
}

/// <summary>
/// The static evaluator: predicts what a firewall's nftables rule set does with a packet, and which
/// rule decided, from the JSON that <c>nft -j list ruleset</c> printed (nft's own parse; this class
/// never reads nft's text syntax). Compiled once; <see cref="Evaluate"/> is thread-safe.
/// </summary>
public sealed class NftOracle
{
    private readonly CompiledRuleSet _rules;
    private readonly IPacketRouting? _routing;
    private IReadOnlyList<RuleFacts>? _facts;

    private NftOracle(CompiledRuleSet rules, IPacketRouting? routing, string? nftVersion)
    {
        _rules = rules;
        _routing = routing;
        NftVersion = nftVersion;
    }

    /// <summary>The nft version that printed the JSON (its metainfo).</summary>
    public string? NftVersion { get; }

    /// <summary>Every rule of the ip, ip6 and inet tables, with its rendered text.</summary>
    public IReadOnlyList<RuleReference> Rules => _rules.Chains.SelectMany(c => c.Rules).Select(r => r.Reference).ToList();

    /// <summary>Every rule of the ip, ip6 and inet tables, in listing order, with what it does and what its conditions are about.</summary>
    public IReadOnlyList<RuleFacts> RuleFacts => _facts ??= _rules.Chains.SelectMany(c => c.Rules).Select(Oracle.RuleFacts.Of).ToList();

    /// <summary>The tables of the ip, ip6 and inet families, as (family, name).</summary>
    public IReadOnlyCollection<(string Family, string Name)> Tables => _rules.Chains.Select(c => (c.Family, c.Table)).Distinct().ToList();

    /// <summary>Rules holding constructs the oracle does not model, with the reason; a packet that reaches one gets <see cref="PacketVerdict.Unknown"/>.</summary>
    public IReadOnlyList<(RuleReference Rule, string Reason)> Unmodelled => _rules.Unmodelled;

    /// <summary>Compiles the output of <c>nft -j list ruleset</c>; throws <see cref="FormatException"/> when it is not that.</summary>
    public static NftOracle FromJson(string nftJson, OracleOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(nftJson);
        options ??= new OracleOptions();
        var compiled = Compilations.GetValue(nftJson, _ => new CompiledListing()).Get(nftJson, options.UseChainIndex);
        return new NftOracle(compiled.Rules, options.Routing, compiled.Version);
    }

    /// <summary>
    /// The compiled rule set of each listing still in use, by the listing string itself (not its
    /// content: no hashing of a 40 MB listing). <c>analyze</c> and <c>run</c> compile the same
    /// listing twice — for the predictions and for the diagnosis's fix advisor — and a large rule
    /// set's compile is the oracle's main cost. The compiled rule set does not depend on the
    /// routing, and evaluating it is thread-safe, so oracles may share it.
    /// </summary>
    private static readonly ConditionalWeakTable<string, CompiledListing> Compilations = new();

    /// <summary>One listing compiled, with and without the chain index, each on first demand.</summary>
    private sealed class CompiledListing
    {
        private readonly Lazy<(CompiledRuleSet, string?)>?[] _compiled = new Lazy<(CompiledRuleSet, string?)>?[2];

        public (CompiledRuleSet Rules, string? Version) Get(string nftJson, bool useIndex)
        {
            var slot = useIndex ? 1 : 0;
            var lazy = Volatile.Read(ref _compiled[slot]) ?? Interlocked.CompareExchange(ref _compiled[slot], new(() => Compile(nftJson, useIndex)), null) ?? _compiled[slot]!;
            return lazy.Value;
        }

        private static (CompiledRuleSet, string?) Compile(string nftJson, bool useIndex)
        {
            using var document = NftJsonDocument.Parse(nftJson);
            return (RuleSetCompiler.Compile(document, useIndex), document.Version);
        }
    }

    /// <summary>The verdict for one packet and the rule that decided; <paramref name="recordTrail"/> also lists every base chain traversed.</summary>
    public OracleResult Evaluate(Packet packet, bool recordTrail = false)
    {
        ArgumentNullException.ThrowIfNull(packet);
        var evaluation = new Evaluation(_routing, recordTrail);
        var decision = new Decision();
        if (_rules.GlobalProblem is { } problem)
        {
            decision.Unknown(problem, null);
            return decision.Result(evaluation, packet.Path);
        }

        var fields = PacketFields.From(packet);
        fields.Prepare(_routing, _rules.SetsCtMark);
        if (packet.Path == HookPath.Output)
        {
            _ = RunHook(Pipeline.Output, ref fields, evaluation, ref decision)
                && Reroute(ref fields, evaluation, ref decision, fromOutput: true)
                && RunHook(Pipeline.Postrouting, ref fields, evaluation, ref decision);
            return decision.Result(evaluation, fields.Path);
        }

        if (RunHook(Pipeline.Prerouting, ref fields, evaluation, ref decision) && Reroute(ref fields, evaluation, ref decision, fromOutput: false))
        {
            _ = fields.Path == HookPath.Input
                ? RunHook(Pipeline.Input, ref fields, evaluation, ref decision)
                : RunHook(Pipeline.Forward, ref fields, evaluation, ref decision) && RunHook(Pipeline.Postrouting, ref fields, evaluation, ref decision);
        }

        return decision.Result(evaluation, fields.Path);
    }

    /// <summary>
    /// Runs a hook's base chains in kernel order; false once the packet is dropped, rejected or the
    /// verdict unknown. The kernel gives a hook only the devices it has: prerouting has no output
    /// device yet (the route is chosen after it), postrouting no input device, so <c>oifname</c>
    /// there (and <c>iifname</c> in postrouting) reads an empty name.
    /// </summary>
    private bool RunHook(int hook, ref PacketFields packet, Evaluation evaluation, ref Decision decision)
    {
        var (input, output) = (packet.InputInterface, packet.OutputInterface);
        if (hook == Pipeline.Prerouting)
        {
            packet.OutputInterface = "";
        }
        else if (hook == Pipeline.Postrouting)
        {
            packet.InputInterface = "";
        }

        try
        {
            return RunHookWithDevices(hook, ref packet, evaluation, ref decision);
        }
        finally
        {
            if (hook == Pipeline.Prerouting)
            {
                packet.OutputInterface = output;
            }
            else if (hook == Pipeline.Postrouting)
            {
                packet.InputInterface = input;
            }
        }
    }

    private bool RunHookWithDevices(int hook, ref PacketFields packet, Evaluation evaluation, ref Decision decision)
    {
        evaluation.NatApplied = false;

        // A reply of a source-translated connection arrives addressed to the translated source;
        // conntrack restores the real destination in the NAT slot (or, without one, before routing).
        var restoreDestination = hook == Pipeline.Prerouting && packet.DestinationBeforeNat is not null ? packet.Destination : (UInt128?)null;
        if (restoreDestination is not null)
        {
            packet.Destination = packet.DestinationBeforeNat!.Value;
        }

        try
        {
            return RunStages(hook, ref packet, evaluation, ref decision, ref restoreDestination);
        }
        finally
        {
            if (restoreDestination is { } destination)
            {
                packet.Destination = destination;
            }
        }
    }

    private bool RunStages(int hook, ref PacketFields packet, Evaluation evaluation, ref Decision decision, ref UInt128? restoreDestination)
    {
        foreach (var stage in _rules.Pipeline.Stages(packet.Family, hook))
        {
            if (stage.Filter is { } filter)
            {
                if (!RunBaseChain(hook, filter, ref packet, evaluation, ref decision))
                {
                    return false;
                }

                continue;
            }

            if (restoreDestination is { } destination)
            {
                packet.Destination = destination;
                restoreDestination = null;
            }

            // NAT chains see only the first packet of a connection (new, or related), and only when
            // conntrack runs at all.
            if (!packet.IsFirstOfConnection || !_rules.Conntrack(packet.Family))
            {
                continue;
            }

            foreach (var chain in stage.NatChains!)
            {
                if (!RunBaseChain(hook, chain, ref packet, evaluation, ref decision))
                {
                    return false;
                }

                if (evaluation.NatApplied)
                {
                    break;
                }
            }
        }

        return true;
    }

    private static bool RunBaseChain(int hook, Chain chain, ref PacketFields packet, Evaluation evaluation, ref Decision decision)
    {
        var outcome = ChainWalker.Run(chain, ref packet, evaluation);
        var verdict = outcome.Kind switch
        {
            OutcomeKind.Accept => PacketVerdict.Accept,
            OutcomeKind.Drop => PacketVerdict.Drop,
            OutcomeKind.Reject => PacketVerdict.Reject,
            OutcomeKind.Unknown => PacketVerdict.Unknown,
            _ => chain.PolicyDrop ? PacketVerdict.Drop : PacketVerdict.Accept,
        };
        var rule = outcome.Kind is OutcomeKind.Return or OutcomeKind.End ? null : outcome.Rule?.Reference;
        evaluation.Trail?.Add(new ChainStep(Pipeline.Hooks[hook], chain.Reference, verdict, rule ?? (outcome.Kind == OutcomeKind.Unknown ? null : chain.Policy)));
        return decision.Add(chain, verdict, rule, outcome.Reason, outcome.RejectWith);
    }

    /// <summary>After a destination NAT the kernel routes again: to the box itself, or out of another interface.</summary>
    private bool Reroute(ref PacketFields packet, Evaluation evaluation, ref Decision decision, bool fromOutput)
    {
        if (evaluation.Redirected)
        {
            if (fromOutput)
            {
                decision.Unknown("not modelled: a locally generated packet redirected to the box itself", null);
                return false;
            }

            packet.Path = HookPath.Input;
            packet.OutputInterface = "";
            return true;
        }

        if (!evaluation.DestinationChanged)
        {
            return true;
        }

        var translation = evaluation.Translations![^1];
        if (translation.Address is null)
        {
            decision.Unknown("dnat to an address range: the route of the translated packet is not known", translation.Rule);
            return false;
        }

        if (_routing is null)
        {
            decision.Unknown($"dnat changed the destination to {translation.Address}: routing (OracleOptions.Routing) is needed to choose the path", translation.Rule);
            return false;
        }

        var route = _routing.Route(translation.Address);
        if (route is null)
        {
            decision.Unknown($"dnat changed the destination to {translation.Address}, for which the routing has no route", translation.Rule);
            return false;
        }

        if (route.IsLocal && fromOutput)
        {
            decision.Unknown("not modelled: a locally generated packet translated to the box itself", translation.Rule);
            return false;
        }

        packet.Path = route.IsLocal ? HookPath.Input : fromOutput ? HookPath.Output : HookPath.Forward;
        packet.OutputInterface = route.IsLocal ? "" : route.OutputInterface;
        return true;
    }

    /// <summary>
    /// Collects the base chains' outcomes into the verdict and the deciding rule: the first drop,
    /// reject or unknown ends it; for an accepted packet the last accepting rule of a filter-type chain
    /// decides, else the last filter-type chain's policy, else the last chain's verdict.
    /// </summary>
    private struct Decision
    {
        private PacketVerdict? _final;
        private RuleReference? _decider;
        private string? _reason;
        private string? _rejectWith;
        private RuleReference? _lastFilterRule;
        private RuleReference? _lastFilterPolicy;
        private RuleReference? _lastAny;

        public bool Add(Chain chain, PacketVerdict verdict, RuleReference? rule, string? reason, string? rejectWith)
        {
            if (verdict != PacketVerdict.Accept)
            {
                _final = verdict;
                _decider = rule ?? (verdict == PacketVerdict.Unknown ? null : chain.Policy);
                _reason = reason;
                _rejectWith = rejectWith;
                return false;
            }

            var decidedBy = rule ?? chain.Policy;
            _lastAny = decidedBy;
            if (!chain.IsNat)
            {
                if (rule is not null)
                {
                    _lastFilterRule = rule;
                }
                else
                {
                    _lastFilterPolicy = decidedBy;
                }
            }

            return true;
        }

        public void Unknown(string reason, RuleReference? rule)
        {
            _final = PacketVerdict.Unknown;
            _reason = reason;
            _decider = rule;
        }

        public readonly OracleResult Result(Evaluation evaluation, HookPath path) =>
            new(_final ?? PacketVerdict.Accept,
                _final is null ? _lastFilterRule ?? _lastFilterPolicy ?? _lastAny : _decider,
                _reason, _rejectWith, path,
                (IReadOnlyList<NatTranslation>?)evaluation.Translations ?? [],
                (IReadOnlyList<ChainStep>?)evaluation.Trail ?? []);
    }
}
