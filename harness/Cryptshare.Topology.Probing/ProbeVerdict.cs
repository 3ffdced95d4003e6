using System.Text.Json.Serialization;

namespace Cryptshare.Topology.Probing;

/// <summary>
/// The outcome of one probe on the agent's wire. The JSON names are the contract; the library maps
/// each member to its own observation verdict in one place (Cryptshare.Topology.Flows.ProbeWire).
/// </summary>
[JsonConverter(typeof(WordEnumConverter<ProbeVerdict>))]
public enum ProbeVerdict
{
    /// <summary>The protocol exchange completed (HTTP status, TLS validated, mail accepted, bind and search, login and copy).</summary>
    [JsonStringEnumMemberName("allowed")] Allowed,

    /// <summary>No answer to the SYN before the connect timeout.</summary>
    [JsonStringEnumMemberName("dropped")] Dropped,

    /// <summary>A TCP RST or an ICMP unreachable (admin-prohibited, port-unreachable, …) came back from the path.</summary>
    [JsonStringEnumMemberName("rejected")] Rejected,

    /// <summary>Connected, but the protocol exchange failed (TLS validation, AUTH, an unexpected reply, no reply).</summary>
    [JsonStringEnumMemberName("broken")] Broken,

    /// <summary>The harness's own routing failed: no route in the source's table, or the next hop does not answer ARP.</summary>
    [JsonStringEnumMemberName("unroutable")] Unroutable,
}
