using Cryptshare.Topology.Input;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.RuleSets;

namespace Cryptshare.Topology.Flows;

/// <summary>
/// Expands catalog × topology × rule set into probe cases: every flow the topology has a
/// destination for, from every zone role it is probed from that the topology has.
/// </summary>
public static class MatrixPlanner
{
    public static IReadOnlyList<ProbeCase> Plan(TopologyDefinition topology, FlowCatalog catalog, RuleSet ruleSet)
    {
        var cases = new List<ProbeCase>();
        foreach (var flow in catalog.Flows)
        {
            if (topology.Destination(flow.Id) is not { } destination)
            {
                continue;
            }

            foreach (var role in flow.From)
            {
                if (topology.ProbeSource(role) is not { } source)
                {
                    continue;
                }

                // Inbound flows from a zone published through a DNAT go to the published address.
                var address = flow.Direction == "in" && ruleSet.Via.TryGetValue(role, out var published) ? published : destination.Address;
                var port = flow.PortOn(destination);
                Verdict? expected = null;
                if (ruleSet.Expectations is { } expectations)
                {
                    expected = expectations.TryGetValue(RuleSet.Key(flow.Id, role), out var verdict)
                        ? verdict
                        : throw new InputException(RuleSetLoader.CompanionFile(ruleSet.SourceFile, RuleSetLoader.ExpectationSuffix), 0,
                            $"no expectation for {RuleSet.Key(flow.Id, role)}: every probed flow needs one line");
                }

                cases.Add(new ProbeCase(
                    ruleSet.Name,
                    flow,
                    role,
                    source,
                    destination,
                    address,
                    port,
                    expected,
                    Required: topology.Profile.Requires(flow.Required) && !flow.IsExposureFrom(role),
                    Exposure: flow.IsExposureFrom(role))
                {
                    SourceInterface = topology.Zone(source.Zone).Interface,
                });
            }
        }

        return cases;
    }
}
