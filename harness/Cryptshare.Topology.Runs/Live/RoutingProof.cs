using Cryptshare.Topology.Fixtures.Topology;

namespace Cryptshare.Topology.Runs.Live;

/// <summary>The topology's own routing, checked with every forward path open: control flows between zones and no way out.</summary>
public sealed record RoutingProof(IReadOnlyList<RoutingCheck> Checks)
{
    public IReadOnlyList<RoutingCheck> Broken => Checks.Where(c => !c.Holds).ToList();

    public bool Holds => Checks.All(c => c.Holds);
}

/// <summary>The topology's own routing is broken, so no verdict could be believed; the message lists every broken check.</summary>
public sealed class RoutingBrokenException(RoutingProof proof) : Exception(
    "the topology's own routing is broken, so no verdict could be believed:\n  " +
    string.Join("\n  ", proof.Broken.Select(b => $"{b.Source} → {b.Destination}: expected {b.Expected}, observed {b.Observed} ({b.Detail})")))
{
    public RoutingProof Proof { get; } = proof;
}
