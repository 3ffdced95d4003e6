using Cryptshare.Topology.Flows;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.Oracle.Matrix;
using Cryptshare.Topology.RuleSets;

namespace Cryptshare.Topology.Reports;

/// <summary>
/// One change to a rule set that a fix proposes, in the customer's own language
/// (<see cref="Text"/>: nft for nftables input, iptables for an iptables-save file), and the same
/// change applied to a copy of nft's JSON (<see cref="Apply"/>: false when it does not apply).
/// <see cref="Hop"/>: the perimeter's rule set or the server's own firewall.
/// </summary>
public sealed record ProposedChange(string Hop, Func<NftJsonEdit, bool> Apply, string Text);

/// <summary>
/// What a proven change does besides its own flow: the other diagnosed flows it puts right, and
/// the flows it opens whose first packet the rules already accepted (only their reply was refused).
/// </summary>
public sealed record ProvenChange(ProposedChange Change, IReadOnlyList<string> AlsoFixes, IReadOnlyList<string> AlsoOpens);

/// <summary>
/// Proves a fix before the diagnosis proposes it: the change is applied to a copy of the rule set
/// (nft's JSON), the oracle predicts every flow of the matrix again, and the change is kept only if
/// the flow it is for becomes as required (allowed for a blocked flow, refused for an exposed one)
/// and no other flow's verdict changes, except other diagnosed flows that it puts right too, and
/// flows the rules already accept at their first packet that it opens (one return-traffic rule
/// mends every flow a missing one broke). The oracle must first reproduce the problem.
/// </summary>
public sealed class FixProof
{
    private readonly TopologyDefinition _topology;
    private readonly string _firewallJson;
    private readonly string? _hostJson;
    private readonly IReadOnlyList<ProbeCase> _cases;
    private readonly IReadOnlyDictionary<string, MatrixPrediction> _baseline;

    public FixProof(TopologyDefinition topology, FlowCatalog catalog, RuleSet ruleSet, string firewallJson, string? hostJson)
    {
        _topology = topology;
        _firewallJson = firewallJson;
        _hostJson = hostJson;
        _cases = MatrixPlanner.Plan(topology, catalog, ruleSet);
        _baseline = Predict(firewallJson, hostJson) ?? throw new InvalidOperationException("the rule set does not compile");
    }

    /// <summary>The proof for a rule set, or null when its rules do not compile for the oracle.</summary>
    public static FixProof? TryFor(TopologyDefinition topology, FlowCatalog catalog, RuleSet ruleSet, string firewallJson, string? hostJson)
    {
        try
        {
            return new FixProof(topology, catalog, ruleSet, firewallJson, hostJson);
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The probe case of a flow (<c>flow-id/from-role</c>), or null.</summary>
    public ProbeCase? Case(string key) => _cases.FirstOrDefault(c => c.Key == key);

    /// <summary>The oracle's prediction for a flow of the rule set as it is.</summary>
    public MatrixPrediction? Baseline(string key) => _baseline.GetValueOrDefault(key);

    /// <summary>
    /// The first change that proves itself for the flow <paramref name="key"/> (<paramref name="wantAllowed"/>:
    /// it must become allowed, else refused); <paramref name="diagnosed"/>: every diagnosed flow and
    /// whether it should be allowed. Null when none does.
    /// </summary>
    public ProvenChange? FirstProven(IEnumerable<ProposedChange> changes, string key, bool wantAllowed, IReadOnlyDictionary<string, bool> diagnosed)
    {
        if (Baseline(key) is not { Verdict: { } before } || AsRequired(before, wantAllowed))
        {
            return null;
        }

        foreach (var change in changes)
        {
            if (Check(change, key, wantAllowed, diagnosed) is { } proven)
            {
                return proven;
            }
        }

        return null;
    }

    /// <summary>The change applied to a copy and every flow predicted again; null unless it does what <see cref="FirstProven"/> asks.</summary>
    public ProvenChange? Check(ProposedChange change, string key, bool wantAllowed, IReadOnlyDictionary<string, bool> diagnosed)
    {
        var onHost = change.Hop == Hops.Host;
        if (onHost && _hostJson is null)
        {
            return null;
        }

        var copy = new NftJsonEdit(onHost ? _hostJson! : _firewallJson);
        if (!change.Apply(copy))
        {
            return null;
        }

        var after = onHost ? Predict(_firewallJson, copy.ToString()) : Predict(copy.ToString(), _hostJson);
        if (after?.GetValueOrDefault(key) is not { Verdict: { } verdict } || !AsRequired(verdict, wantAllowed))
        {
            return null;
        }

        var alsoFixes = new List<string>();
        var alsoOpens = new List<string>();
        foreach (var (other, prediction) in after)
        {
            var was = _baseline[other].Verdict;
            if (other == key || was == prediction.Verdict)
            {
                continue;
            }

            if (diagnosed.TryGetValue(other, out var otherWantsAllowed) && prediction.Verdict is { } now && AsRequired(now, otherWantsAllowed) && was is { } old && !AsRequired(old, otherWantsAllowed))
            {
                alsoFixes.Add(other);
                continue;
            }

            // A flow whose first packet the rules already accept, refused only at its reply: the
            // rule set means it open, and a return-traffic rule is what makes it so.
            if (prediction.Verdict == Verdict.Allowed && _baseline[other] is { Step: not HandshakeStep.Syn, Verdict: Verdict.Dropped or Verdict.Rejected })
            {
                alsoOpens.Add(other);
                continue;
            }

            return null;
        }

        return new ProvenChange(change, alsoFixes, alsoOpens);
    }

    private static bool AsRequired(Verdict verdict, bool wantAllowed) =>
        wantAllowed ? verdict == Verdict.Allowed : verdict is Verdict.Dropped or Verdict.Rejected;

    private Dictionary<string, MatrixPrediction>? Predict(string firewallJson, string? hostJson)
    {
        MatrixOracle oracle;
        try
        {
            oracle = MatrixOracle.For(_topology, firewallJson, hostJson);
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or NotSupportedException or ArgumentException or KeyNotFoundException)
        {
            return null;
        }

        var predictions = new Dictionary<string, MatrixPrediction>();
        foreach (var probeCase in _cases)
        {
            predictions.TryAdd(probeCase.Key, oracle.Predict(probeCase));
        }

        return predictions;
    }
}
