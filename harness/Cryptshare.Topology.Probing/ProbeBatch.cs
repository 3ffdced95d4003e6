namespace Cryptshare.Topology.Probing;

/// <summary>
/// What the probe agent reads on stdin: one JSON document. Every probe of the batch runs
/// concurrently; TLS is validated against <paramref name="CaPem"/> and nothing else.
/// </summary>
/// <param name="Probes">The flows to probe from this host.</param>
/// <param name="CaPem">The harness CA certificate(s), PEM. Needed by https, smtps, submission and ldaps.</param>
public sealed record ProbeBatch(IReadOnlyList<ProbeRequest> Probes, string? CaPem = null)
{
    public override string ToString() => $"{nameof(ProbeBatch)} {{ {Probes.Count} probe(s), CA {(CaPem is null ? "none" : "given")} }}";
}
