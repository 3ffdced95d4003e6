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
    public static IReadOnlyList<string> LibraryRuleSetPaths() => RuleSetLoader.LibraryFiles(LibraryFolder);

    /// <summary>Whether any rule set (or host firewall) is an iptables-save export not yet translated, which is done in the firewall image (that takes the engine).</summary>
    public bool NeedsTranslation => RuleSets.Any(r => (r.SavedText is null && IptablesTranslator.LooksLikeIptablesSave(r.Text))
        || (r.HostFirewallSavedText is null && r.HostFormat == HostFirewallFormat.IptablesSave));

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
        // Reports, history and repetitions key a rule set by its name: the same name twice (the same
        // file given twice, or two folders' NN-name.nft) would mix two runs into one entry.
        if (ruleSets.GroupBy(r => r.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            var files = twice.Select(r => r.SourceFile).Distinct(StringComparer.Ordinal).ToList();
            throw new InputException(twice.Last().SourceFile, 0, files.Count == 1
                ? $"given twice: each rule set runs once (use --repeat N to run it again)"
                : $"has the same rule-set name '{twice.Key}' as {twice.First().SourceFile}: each rule set's name (its file name) must be unique in a run");
        }

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
            if (ruleSet.SavedText is null && IptablesTranslator.LooksLikeIptablesSave(ruleSet.Text))
            {
                // The firewall loads the file with iptables-restore, as the customer's box does; the oracle reads its translation.
                await preflight.CheckIptablesAsync(ruleSet.Text, ruleSet.SourceFile, ct);
                var translation = await TranslateAsync(preflight, ruleSet.Text, ruleSet.SourceFile, warn, ct);
                loaded = ruleSet with { Text = translation.NftText, SavedText = ruleSet.Text };
            }

            await preflight.CheckAsync(loaded, ct: ct);
            if (ruleSet.HostFirewall is { } host)
            {
                var hostFile = ruleSet.HostFirewallFile ?? RuleSetLoader.CompanionFile(ruleSet.SourceFile, RuleSetLoader.HostFirewallSuffix);
                if (ruleSet.HostFormat == HostFirewallFormat.IptablesSave && ruleSet.HostFirewallSavedText is null)
                {
                    // The server loads the file with iptables-restore; the oracle reads its translation.
                    await preflight.CheckIptablesAsync(host, hostFile, ct);
                    var translation = await TranslateAsync(preflight, host, hostFile, warn, ct);
                    loaded = loaded with { HostFirewall = translation.NftText, HostFirewallSavedText = host };
                    await preflight.CheckHostFirewallAsync(translation.NftText, hostFile, ct);
                }
                else
                {
                    await preflight.CheckHostFirewallAsync(host, hostFile, ct);
                }
            }

            checkedSets.Add(loaded);
        }

        return this with { RuleSets = checkedSets };
    }

    /// <summary>An iptables-save file translated for the oracle, with a warning for each rule the translator could not express.</summary>
    private static async Task<IptablesTranslation> TranslateAsync(RuleSetPreflight preflight, string text, string file, Action<string> warn, CancellationToken ct)
    {
        var translation = await preflight.TranslateIptablesAsync(text, file, ct);
        warn($"{file}: iptables-save format, loaded by iptables-restore; the oracle reads its translation by iptables-restore-translate");
        foreach (var rule in translation.Untranslated)
        {
            warn(rule.NoVerdictEffect
                ? $"{file}:{rule.Line}: not translated, left out (it changes no verdict{(rule.Reason is null ? "" : ": " + rule.Reason)}): {rule.Rule}"
                : $"{file}:{rule.Line}: not translated; the oracle predicts no flow that reaches it: {rule.Rule}");
        }

        return translation;
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
