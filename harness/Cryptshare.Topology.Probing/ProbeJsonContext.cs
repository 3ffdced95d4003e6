using System.Text.Json.Serialization;

namespace Cryptshare.Topology.Probing;

/// <summary>
/// The contract's types with their JSON code generated at build time, so the agent needs no
/// reflection to read a batch or write a result (what a native AOT build of it requires).
/// <see cref="ProbeJson.Options"/> uses it first; the rules (names, strictness) stay the options'.
/// </summary>
[JsonSerializable(typeof(ProbeBatch))]
[JsonSerializable(typeof(ProbeResult))]
[JsonSerializable(typeof(ProbeStop))]
internal sealed partial class ProbeJsonContext : JsonSerializerContext;
