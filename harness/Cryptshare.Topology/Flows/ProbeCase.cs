using System.Net;
using Cryptshare.Topology.Model;

namespace Cryptshare.Topology.Flows;

/// <summary>
/// One cell of the matrix: a flow probed from one zone role under one rule set. Its name,
/// <c>ruleset/flow-id/from-zone</c>, is the test case's name.
/// </summary>
public sealed record ProbeCase(
    string RuleSet,
    FlowDefinition Flow,
    string FromRole,
    HostDefinition Source,
    HostDefinition Destination,
    IPAddress Address,
    int Port,
    Verdict? Expected,
    bool Required,
    bool Exposure)
{
    /// <summary>The firewall interface the probe enters by: the source zone's (a customer's eth1 …).</summary>
    public string SourceInterface { get; init; } = Source.Zone;

    public string Key => RuleSets.RuleSet.Key(Flow.Id, FromRole);

    public string Name => $"{RuleSet}/{Flow.Id}/{FromRole}";
}
