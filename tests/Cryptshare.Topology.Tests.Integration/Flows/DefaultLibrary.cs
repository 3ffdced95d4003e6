using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Flows;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.RuleSets;
using Cryptshare.Topology.Runs;

namespace Cryptshare.Topology.Tests.Integration.Flows;

/// <summary>The shipped data: catalog, default topology and rule-set library, loaded once.</summary>
internal static class DefaultLibrary
{
    public static readonly FlowCatalog Catalog = FlowCatalog.Load(Path.Combine(RepositoryLayout.Fixtures, "flows", "catalog.yml"));

    public static readonly TopologyDefinition Topology = TopologyLoader.Load(Path.Combine(RepositoryLayout.Fixtures, "topologies", "default.yml"), Catalog);

    public static readonly IReadOnlyList<RuleSet> RuleSets = RuleSetLoader.LoadLibrary(Path.Combine(RepositoryLayout.Fixtures, "rulesets"), Catalog);

    /// <summary>
    /// The library as <c>run</c> prepares it (every file checked by nft, iptables-save files
    /// translated for the oracle; the firewall still loads them with iptables-restore). Needs the engine.
    /// </summary>
    public static async Task<IReadOnlyList<RuleSet>> PreparedAsync(CancellationToken ct) =>
        (await new MatrixInputs(Topology, Catalog, RuleSets).PreflightAsync(_ => { }, ct)).RuleSets;

    /// <summary>Every (rule set, flow, source zone) of the library: the matrix the Flows suite proves.</summary>
    public static IEnumerable<ProbeCase> Cases() => RuleSets.SelectMany(r => MatrixPlanner.Plan(Topology, Catalog, r));
}
