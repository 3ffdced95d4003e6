using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Fixtures.Firewall;
using Cryptshare.Topology.Flows;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.RuleSets;

namespace Cryptshare.Topology.Cli.Matrix;

/// <summary>
/// The inputs of a matrix run, loaded and checked before anything is started: bad input stops
/// here with file, line and problem, and nothing is left behind.
/// </summary>
internal sealed record MatrixInputs(TopologyDefinition Topology, FlowCatalog Catalog, IReadOnlyList<RuleSet> RuleSets)
{
    public static string DefaultTopologyPath => Path.Combine(RepositoryLayout.Fixtures, "topologies", "default.yml");

    public static string DefaultRuleSetPath => Path.Combine(RepositoryLayout.Fixtures, "rulesets", "01-documented.nft");

    public static string CatalogPath => Path.Combine(RepositoryLayout.Fixtures, "flows", "catalog.yml");

    /// <summary>
    /// Checks every rule set with the firewall's own nft before anything is started, turning
    /// iptables-save files into nftables on the way (what could not be translated goes to
    /// <paramref name="warn"/>). Needs the engine; a bad rule set is an <see cref="InputException"/>.
    /// </summary>
    public async Task<MatrixInputs> PreflightAsync(Action<string> warn, CancellationToken ct)
    {
        await using var preflight = await RuleSetPreflight.StartAsync(ct);
        var checkedSets = new List<RuleSet>();
        foreach (var ruleSet in RuleSets)
        {
            var loaded = ruleSet;
            if (IptablesTranslator.LooksLikeIptablesSave(ruleSet.Text))
            {
                var translation = await preflight.TranslateIptablesAsync(ruleSet.Text, ruleSet.SourceFile, ct);
                warn($"{ruleSet.SourceFile}: iptables-save format, translated to nftables by iptables-restore-translate");
                foreach (var rule in translation.Untranslated)
                {
                    warn($"{ruleSet.SourceFile}:{rule.Line}: not translated, left out of the test: {rule.Rule}");
                }

                loaded = ruleSet with { Text = translation.NftText };
            }

            await preflight.CheckAsync(loaded.Text, ruleSet.SourceFile, ct);
            checkedSets.Add(loaded);
        }

        return this with { RuleSets = checkedSets };
    }

    public static MatrixInputs Load(FileInfo? topology, IReadOnlyList<FileInfo> rules)
    {
        var catalog = FlowCatalog.Load(CatalogPath);
        var definition = TopologyLoader.Load(topology?.FullName ?? DefaultTopologyPath, catalog);
        var paths = rules.Count > 0 ? rules.Select(r => r.FullName).ToList() : [DefaultRuleSetPath];
        var ruleSets = paths.Select(p => RuleSetLoader.Load(p, catalog)).ToList();
        foreach (var ruleSet in ruleSets)
        {
            // Every probed flow must have an expectation line: planning checks that now, not mid-run.
            _ = MatrixPlanner.Plan(definition, catalog, ruleSet);
        }

        return new MatrixInputs(definition, catalog, ruleSets);
    }
}
