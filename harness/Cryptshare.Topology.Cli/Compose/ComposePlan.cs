using Cryptshare.Topology.Fixtures.Firewall;
using Cryptshare.Topology.Fixtures.Kinds;
using Cryptshare.Topology.Fixtures.Pki;
using Cryptshare.Topology.Fixtures.Topology;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.RuleSets;

namespace Cryptshare.Topology.Cli.Compose;

/// <summary>
/// A file the harness generates for a container (certificate, key, credentials, directory LDIF):
/// written into the support folder at <see cref="SupportPath"/> (relative to it) and bind-mounted
/// read-only at <see cref="ContainerPath"/>. <see cref="Secret"/> files are owner-only (0600).
/// </summary>
internal sealed record SupportFile(string SupportPath, string ContainerPath, bool Secret, string Content);

/// <summary>One service of the compose file: its name, its place in the topology's networks and its kind's container spec.</summary>
internal sealed record ComposeService(string Name, IReadOnlyDictionary<string, string> Networks, ContainerSpec Spec)
{
    /// <summary>The topology host it stands for; null for the firewall.</summary>
    public HostDefinition? Host { get; init; }
}

/// <summary>
/// Everything docker-compose.yml and its support folder say about one topology with one rule set:
/// the firewall (its zones, the rule set it loads after boot) and one service per host, each the
/// very <see cref="ContainerSpec"/> its kind gives the live topology's container
/// (<see cref="HostSpec.ContainerIn"/>), with certificates of a CA of its own and random credentials.
/// </summary>
internal sealed record ComposePlan(TopologyContext Context, RuleSet RuleSet, ComposeService Firewall, IReadOnlyList<ComposeService> Services)
{
    /// <summary>Where the support folder lies beside docker-compose.yml; gitignored, owner-only.</summary>
    public const string SupportFolder = "compose-support";

    /// <summary>The support folder's list of logins for manual work (not mounted anywhere).</summary>
    public const string CredentialsFile = "credentials";

    /// <summary>The support file every host that trusts the CA mounts: one copy for all.</summary>
    private const string AuthorityFile = "ca.pem";

    public TopologyDefinition Topology => Context.Definition;

    public string ProjectName => $"cryptshare-topology-{Topology.Name}";

    public static ComposePlan Create(TopologyDefinition topology, FlowCatalog catalog, RuleSet ruleSet)
    {
        // A CA of its own: its key stays in this process; only certificates it issued are written.
        var context = new TopologyContext(topology, catalog, new HarnessPki(), ruleSet);
        var firewallSettings = FirewallSpec.ForTopology(topology, Path.GetFullPath(ruleSet.SourceFile));
        FirewallSpec.Instance.Guard(firewallSettings, FirewallBuilder.Kind);
        var firewall = new ComposeService(
            FirewallBuilder.Kind,
            topology.Zones.ToDictionary(z => z.Name, z => z.FirewallAddress.ToString()),
            FirewallSpec.Instance.Container(firewallSettings, new HostIdentity(FirewallBuilder.Kind, context.Pki)));
        var services = topology.Hosts
            .Select(h => new ComposeService(h.Name, new Dictionary<string, string> { [h.Zone] = h.Address.ToString() }, HostSpecs.Of(h.Kind).ContainerIn(h, context)) { Host = h })
            .ToList();
        return new ComposePlan(context, ruleSet, firewall, services);
    }

    public IEnumerable<ComposeService> AllServices() => Services.Prepend(Firewall);

    /// <summary>Where a file the kind generates lies in the support folder: the CA once for all, anything else in its host's folder.</summary>
    public static string SupportPathOf(ComposeService service, HostFile file) =>
        file.Path == HostPaths.CertificateAuthority ? AuthorityFile : $"{service.Name}/{Path.GetFileName(file.Path)}";

    /// <summary>Every file of the support folder: the generated files the services mount, and the list of logins.</summary>
    public IEnumerable<SupportFile> AllFiles() =>
        AllServices()
            .SelectMany(s => s.Spec.Files.Where(f => f.Content is FileContent.Text).Select(f => (Service: s, File: f)))
            .Select(x => new SupportFile(SupportPathOf(x.Service, x.File), x.File.Path, FileModes.IsSecret(x.File.Mode), ((FileContent.Text)x.File.Content).Value))
            .Append(new SupportFile(CredentialsFile, string.Empty, true, Logins()))
            .DistinctBy(f => f.SupportPath);

    /// <summary>A path as compose wants it relative to the compose file's folder ("./…"), or absolute when it is elsewhere.</summary>
    public static string RelativeTo(string outputFolder, string path)
    {
        var relative = Path.GetRelativePath(Path.GetFullPath(outputFolder), Path.GetFullPath(path)).Replace('\\', '/');
        return Path.IsPathRooted(relative) ? relative : relative.StartsWith("..", StringComparison.Ordinal) ? relative : "./" + relative;
    }

    /// <summary>The support folder's <c>credentials</c> file: the logins a person needs for manual work.</summary>
    private string Logins() =>
        string.Join('\n', AllServices().SelectMany(s => s.Spec.Logins)
            .Prepend("# Logins of this compose topology, random per `cryptshare-topology compose`. Keep this folder private.")) + "\n";
}
