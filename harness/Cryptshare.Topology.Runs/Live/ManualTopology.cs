using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Fixtures.Progress;

namespace Cryptshare.Topology.Runs.Live;

/// <summary>How to reach one container of a running topology by hand: a shell in it.</summary>
public sealed record HostAccess(string Name, string Kind, string Zone, string Address, string Shell)
{
    /// <summary>The command that opens a shell in the container.</summary>
    public static string ShellInto(string container) => $"docker exec -it {container.TrimStart('/')} bash";
}

/// <summary>
/// A zone of a running topology: its subnet (what its hosts carry) and the engine-side network it
/// runs on (what Docker and the Docker host see; a capture on the host is taken on that network's bridge).
/// </summary>
public sealed record ZoneAccess(string Zone, string Subnet, string Network, string EngineSubnet);

/// <summary>A topology left running for manual work (<c>up</c>): its run id, the rule set in force and how to reach every host.</summary>
public sealed record ManualTopology(string RunId, string Topology, string RuleSet, IReadOnlyList<HostAccess> Hosts)
{
    /// <summary>Each zone with the engine-side network it runs on.</summary>
    public IReadOnlyList<ZoneAccess> Zones { get; init; } = [];

    /// <summary>
    /// Starts the topology, loads the first rule set and leaves it running (until <c>down</c>). When
    /// anything fails on the way, what this run started is removed.
    /// </summary>
    public static async Task<ManualTopology> UpAsync(MatrixInputs inputs, IProgress<PhaseProgress>? progress, CancellationToken ct)
    {
        Engine.Require();
        try
        {
            // Not disposed on purpose: the containers outlive this process until `down`.
            var live = await LiveMatrix.StartAsync(inputs.Topology, inputs.Catalog, progress, ct);
            var ruleSet = inputs.RuleSets[0];
            await live.ApplyAsync(ruleSet, ct);
            var zones = inputs.Topology.Zones;
            var firewall = new HostAccess("firewall", "firewall", string.Join(", ", zones.Select(z => z.Name)), string.Join(", ", zones.Select(z => z.FirewallAddress)),
                HostAccess.ShellInto(live.Topology.Firewall.Name));
            var hosts = live.Topology.Hosts.Values.Select(h => new HostAccess(h.Definition.Name, h.Definition.Kind, h.Definition.Zone, h.Definition.Address.ToString(),
                HostAccess.ShellInto(h.Container.Name)));
            return new ManualTopology(HarnessLabels.CurrentRun, inputs.Topology.Name, ruleSet.Name, [firewall, .. hosts])
            {
                Zones = [.. live.Topology.EngineNetworks.Select(n => new ZoneAccess(n.Zone.Name, n.Zone.Subnet.ToString(), n.Network.Name, n.EngineSubnet.ToString()))],
            };
        }
        catch
        {
            await HarnessJanitor.RemoveAsync(HarnessLabels.CurrentRun, CancellationToken.None);
            throw;
        }
    }
}
