using System.Text.Json.Serialization;
using Cryptshare.Topology.Model;

namespace Cryptshare.Topology.Reports;

/// <summary>How a flow's simulated and live verdicts relate. Serialized as the kebab-case word.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Agreement>))]
public enum Agreement
{
    /// <summary>The same verdict in the simulation and live.</summary>
    [JsonStringEnumMemberName("agree")] Agree,

    /// <summary>Simulated allowed, live dropped or refused: something on the path that the rules given do not contain blocks it.</summary>
    [JsonStringEnumMemberName("blocked-on-the-path")] BlockedOnThePath,

    /// <summary>Simulated blocked, live allowed: the rules given are not the ones in force.</summary>
    [JsonStringEnumMemberName("rules-not-in-force")] RulesNotInForce,

    /// <summary>Simulated allowed, live connected but the protocol failed (TLS name or issuer, AUTH, a proxy stripping headers).</summary>
    [JsonStringEnumMemberName("broken-in-the-protocol")] BrokenInTheProtocol,

    /// <summary>Blocked in both, but dropped in one and refused in the other.</summary>
    [JsonStringEnumMemberName("blocked-differently")] BlockedDifferently,

    /// <summary>Live, the agent's machine has no route to the destination (or its next hop is silent): not a firewall question.</summary>
    [JsonStringEnumMemberName("no-route-live")] NoRouteLive,

    /// <summary>Any other pair of verdicts.</summary>
    [JsonStringEnumMemberName("differs")] Differs,

    /// <summary>The oracle could not predict the flow (analyze): nothing to agree with; never a pass.</summary>
    [JsonStringEnumMemberName("not-predicted")] NotPredicted,

    /// <summary>The live report has a flow the simulated report does not: the site and the simulated topology differ.</summary>
    [JsonStringEnumMemberName("not-simulated")] NotSimulated,

    /// <summary>The simulation has a flow no live report probed (the agent was not run in that zone): listed, not judged.</summary>
    [JsonStringEnumMemberName("not-probed-live")] NotProbedLive,
}

/// <summary>One flow from one source zone side by side: the simulated verdict, the live one, and what the difference means.</summary>
public sealed record FlowComparison(
    string FlowId,
    string From,
    string To,
    int Port,
    Verdict? Simulated,
    Verdict? Live,
    Agreement Agreement,
    string Meaning,
    string? SimulatedRule,
    string? LiveDetail,
    string? Machine,
    IReadOnlyList<Hop>? Hops)
{
    /// <summary>Whether this row keeps the two sides from agreeing (a flow probed on one side only in the simulation does not).</summary>
    [JsonIgnore]
    public bool IsDifference => Agreement is not (Agreement.Agree or Agreement.NotProbedLive);
}

/// <summary>Where a live report came from.</summary>
public sealed record LiveSide(string File, string Machine, DateTimeOffset Time, string Site, string Zone, LiveTls Tls);

/// <summary>
/// The result of <c>compare</c>: the simulated report (which rule set, made how), the live reports,
/// and one row per flow and source zone (per machine where two agents probed the same zone).
/// </summary>
public sealed record ReportComparison(
    string Simulated,
    string SimulatedBy,
    string RuleSet,
    IReadOnlyList<LiveSide> Live,
    IReadOnlyList<FlowComparison> Flows,
    IReadOnlyList<string> Warnings)
{
    [JsonIgnore]
    public IReadOnlyList<FlowComparison> Differences => Flows.Where(f => f.IsDifference).ToList();

    public bool Agrees => Flows.All(f => !f.IsDifference);

    public int Compared => Flows.Count(f => f.Agreement != Agreement.NotProbedLive);
}
