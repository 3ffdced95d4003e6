using System.Net;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.RuleSets;

namespace Cryptshare.Topology.Cli.Compose;

/// <summary>
/// A file the harness generates for a container (certificate, key, credentials, directory LDIF):
/// written into the support folder at <see cref="SupportPath"/> (relative to it) and bind-mounted
/// read-only at <see cref="ContainerPath"/>. <see cref="Secret"/> files are owner-only (0600).
/// </summary>
internal sealed record SupportFile(string SupportPath, string ContainerPath, bool Secret, string Content);

/// <summary>A file or folder of the repository mounted read-only (the rule sets), by its path relative to the compose file.</summary>
internal sealed record RepositoryMount(string Source, string ContainerPath);

/// <summary>One host of the topology as a compose service: what its builder sets and maps in.</summary>
internal sealed record ComposeService(
    HostDefinition Host,
    IReadOnlyList<KeyValuePair<string, string>> Environment,
    IReadOnlyList<SupportFile> Files,
    IReadOnlyList<RepositoryMount> Mounts,
    IReadOnlyList<string> Healthcheck);

/// <summary>
/// Everything docker-compose.yml and its support folder say about one topology with one rule set:
/// the firewall (its zones, the rule set it loads after boot) and one service per host, with the
/// same environment and files the host's builder gives its container in the harness
/// (fixtures/Cryptshare.Topology.Fixtures/&lt;Kind&gt;/&lt;Kind&gt;Builder.cs).
/// </summary>
internal sealed record ComposePlan(
    TopologyDefinition Topology,
    RuleSet RuleSet,
    string RuleSetFolder,
    IReadOnlyList<ComposeService> Services,
    IReadOnlyList<SupportFile> SharedFiles)
{
    /// <summary>Where the support folder lies beside docker-compose.yml; gitignored, owner-only.</summary>
    public const string SupportFolder = "compose-support";

    /// <summary>Where the firewall finds the rule-set folder (mounted read-only): any rule set there loads by hand with ctt-load.</summary>
    public const string RuleSetsInFirewall = "/etc/ctt/rulesets";

    /// <summary>The support folder's list of logins for manual work (not mounted anywhere).</summary>
    public const string CredentialsFile = "credentials";

    public string ProjectName => $"cryptshare-topology-{Topology.Name}";

    public static ComposePlan Create(TopologyDefinition topology, FlowCatalog catalog, RuleSet ruleSet, string outputFolder, ComposeSecrets secrets)
    {
        var ruleSetFolder = Path.GetDirectoryName(Path.GetFullPath(ruleSet.SourceFile))!;
        var context = new ComposeContext(catalog, ruleSet, RelativeTo(outputFolder, ruleSetFolder), secrets);
        var services = topology.Hosts.Select(context.Service).ToList();
        return new ComposePlan(topology, ruleSet, context.RuleSetFolder, services,
            [
                new SupportFile("ca.pem", ComposeContext.AuthorityPath, false, secrets.Pki.AuthorityPem),
                new SupportFile(CredentialsFile, string.Empty, true, secrets.Summary(topology)),
            ]);
    }

    /// <summary>Every file of the support folder.</summary>
    public IEnumerable<SupportFile> AllFiles() =>
        SharedFiles.Concat(Services.SelectMany(s => s.Files)).DistinctBy(f => f.SupportPath);

    /// <summary>A path as compose wants it relative to the compose file's folder ("./…"), or absolute when it is elsewhere.</summary>
    public static string RelativeTo(string outputFolder, string path)
    {
        var relative = Path.GetRelativePath(Path.GetFullPath(outputFolder), Path.GetFullPath(path)).Replace('\\', '/');
        return Path.IsPathRooted(relative) ? relative : relative.StartsWith("..", StringComparison.Ordinal) ? relative : "./" + relative;
    }

    /// <summary>The firewall's environment: its zones (interface=address, renamed by address at boot) and the rule set to load.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> FirewallEnvironment() =>
    [
        new("CTT_ZONES", string.Join(' ', Topology.Zones.Select(z => $"{z.Interface}={z.FirewallAddress}"))),
        new("CTT_RULESET", $"{RuleSetsInFirewall}/{Path.GetFileName(RuleSet.SourceFile)}"),
    ];

    public static IPAddress BridgeAddress(TopologyDefinition topology, ZoneDefinition zone) =>
        Fixtures.Topology.ZoneNetworks.BridgeAddress(topology, zone);
}
