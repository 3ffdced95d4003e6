using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Fixtures.Firewall;
using Cryptshare.Topology.Flows;
using Cryptshare.Topology.Input;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.RuleSets;

namespace Cryptshare.Topology.Runs;

/// <summary>
/// The inputs of a matrix (live or static), loaded and checked before anything is started: bad
/// input stops here with file, line and problem, and nothing is left behind.
/// </summary>
public sealed record MatrixInputs(TopologyDefinition Topology, FlowCatalog Catalog, IReadOnlyList<RuleSet> RuleSets)
{
    public static string DefaultTopologyPath => Path.Combine(RepositoryLayout.Fixtures, "topologies", "default.yml");

    public static string DefaultRuleSetPath => Path.Combine(RepositoryLayout.Fixtures, "rulesets", "01-documented.nft");

    public static string CatalogPath => Path.Combine(RepositoryLayout.Fixtures, "flows", "catalog.yml");

    public static string LibraryFolder => Path.Combine(RepositoryLayout.Fixtures, "rulesets");

    /// <summary>Every rule set of the library (fixtures/rulesets), in file-name order.</summary>
    public static IReadOnlyList<string> LibraryRuleSetPaths() =>
        Directory.EnumerateFiles(LibraryFolder, "*" + RuleSetLoader.RuleSetExtension)
            .Where(f => !f.EndsWith(RuleSetLoader.HostFirewallSuffix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>Whether any rule set is an iptables-save export, which is translated in the firewall image (that takes the engine).</summary>
    public bool NeedsTranslation => RuleSets.Any(r => IptablesTranslator.LooksLikeIptablesSave(r.Text));

    /// <summary>
    /// Loads the topology (default: the default topology), the catalog and each rule set (default:
    /// the documented one) with its expectation file, and plans every rule set once so that a
    /// missing expectation line is found now, not mid-run.
    /// </summary>
    /// <remarks>
    /// With <paramref name="sitePath"/> (<c>--site</c>) the topology is the site file's: its hosts at
    /// their real addresses and ports, and a client at each zone's agent address, so the simulation
    /// probes exactly what the live agent probes.
    /// </remarks>
    public static MatrixInputs Load(string? topologyPath, IReadOnlyList<string> ruleSetPaths, string? sitePath = null)
    {
        var catalog = FlowCatalog.Load(CatalogPath);
        var topology = sitePath is null ? LoadTopology(topologyPath, catalog) : Read(sitePath, path => SiteLoader.Load(path, catalog).Topology);
        var paths = ruleSetPaths.Count > 0 ? ruleSetPaths : [DefaultRuleSetPath];
        var ruleSets = RuleSetLoader.WithoutCompanionHostFirewalls(paths).Select(p => Read(p, path => RuleSetLoader.Load(path, catalog))).ToList();
        foreach (var ruleSet in ruleSets)
        {
            _ = MatrixPlanner.Plan(topology, catalog, ruleSet);
        }

        return new MatrixInputs(topology, catalog, ruleSets);
    }

    /// <summary>The topology alone (default: the default topology), for the verbs that need no rule set.</summary>
    public static TopologyDefinition LoadTopology(string? topologyPath, FlowCatalog catalog) =>
        Read(topologyPath ?? DefaultTopologyPath, path => TopologyLoader.Load(path, catalog));

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
                    warn(rule.NoVerdictEffect
                        ? $"{ruleSet.SourceFile}:{rule.Line}: not translated, left out (it changes no verdict): {rule.Rule}"
                        : $"{ruleSet.SourceFile}:{rule.Line}: not translated; the oracle predicts no flow that reaches it: {rule.Rule}");
                }

                loaded = ruleSet with { Text = translation.NftText, SavedText = ruleSet.Text };
            }

            await preflight.CheckAsync(loaded, ct: ct);
            if (ruleSet.HostFirewall is { } host)
            {
                var hostFile = RuleSetLoader.CompanionFile(ruleSet.SourceFile, RuleSetLoader.HostFirewallSuffix);
                await preflight.CheckHostFirewallAsync(host, hostFile, ct);
                if (RuleSetFormat.IsWholeRuleset(host))
                {
                    throw new InputException(hostFile, RuleSetFormat.FirstTableLine(host),
                        "a whole ruleset (tables of its own) as the server's firewall is valid nftables, but the server loads only the statements of its input chain so far; give those (the fragment format of fixtures/rulesets/10-host-firewall.host.nft)");
                }
            }

            checkedSets.Add(loaded);
        }

        return this with { RuleSets = checkedSets };
    }

    /// <summary>
    /// Reads one input file with its loader. A folder where a file belongs, or a file the system
    /// will not read (a device, a permission, an I/O error), is bad input naming the path.
    /// </summary>
    private static T Read<T>(string path, Func<string, T> load)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new InputException("(empty path)", 0, "no file named: give a path");
        }

        if (Directory.Exists(path))
        {
            throw new InputException(path, 0, "is a folder; give a file");
        }

        try
        {
            return load(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(path, 0, $"cannot be read: {e.Message}");
        }
    }
}
