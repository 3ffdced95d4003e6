namespace Cryptshare.Topology.Probing;

/// <summary>
/// A command the harness may send to an agent started with <c>--serve</c>, one JSON line on stdin
/// while a batch runs: the probe at <paramref name="Probe"/> (its index in the batch) was seen dropped
/// in a firewall's trace, so its connect need not wait out the timeout. The agent honours it only
/// while that probe's connect is still pending; a probe already connected, refused or done keeps
/// the verdict it observed. The harness sends it only on evidence (a traced drop), never as a guess.
/// </summary>
/// <param name="Probe">Index of the probe in the batch's <see cref="ProbeBatch.Probes"/>.</param>
/// <param name="Evidence">What the trace showed (the step and the rule), for the result's detail.</param>
/// <param name="Batch">
/// With <c>--serve</c>, which batch the probe is in: the agent numbers the batches it reads 1, 2, …,
/// so a stop that arrives after its batch ended never touches the next. Absent: the batch running.
/// </param>
public sealed record ProbeStop(int Probe, string Evidence, int? Batch = null);
