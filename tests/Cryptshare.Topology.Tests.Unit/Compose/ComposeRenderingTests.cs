using Cryptshare.Topology.Cli;
using Cryptshare.Topology.Cli.Compose;
using Cryptshare.Topology.Cli.Verbs;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Fixtures.Kinds;
using Cryptshare.Topology.Fixtures.Topology;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.RuleSets;
using Cryptshare.Topology.Runs;

namespace Cryptshare.Topology.Tests.Unit.Compose;

/// <summary>
/// The compose rendering without an engine: the committed root docker-compose.yml is exactly what the
/// `compose` verb writes for the default topology, it carries no secret, and the support folder holds
/// every file the compose file mounts, secrets owner-only.
/// </summary>
[TestFixture]
public sealed class ComposeRenderingTests
{
    private static readonly FlowCatalog Catalog = FlowCatalog.Load(MatrixInputs.CatalogPath);

    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => Directory.CreateDirectory(_folder = Path.Combine(Path.GetTempPath(), $"ctt-compose-{Guid.NewGuid():N}"));

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_folder, recursive: true);

    private static (ComposePlan Plan, TopologyContext Context) Plan(string ruleSetFile = "01-documented.nft", string? topologyFile = null)
    {
        var topology = TopologyLoader.Load(topologyFile ?? MatrixInputs.DefaultTopologyPath, Catalog);
        var ruleSet = RuleSetLoader.Load(Path.Combine(RepositoryLayout.Fixtures, "rulesets", ruleSetFile), Catalog);
        var plan = ComposePlan.Create(topology, Catalog, ruleSet);
        return (plan, plan.Context);
    }

    private static string Render(ComposePlan plan, string outputFolder) =>
        ComposeYaml.Render(plan, outputFolder, ComposePlan.RelativeTo(outputFolder, plan.Topology.SourceFile), ComposePlan.RelativeTo(outputFolder, plan.RuleSet.SourceFile));

    /// <summary>Every topology of the repository, with the first rule set of its own folder under fixtures/rulesets when it has one.</summary>
    public static IEnumerable<TestCaseData> EveryTopology() =>
        Directory.EnumerateFiles(Path.Combine(RepositoryLayout.Fixtures, "topologies"), "*.yml").Order(StringComparer.Ordinal).Select(file =>
        {
            var own = Path.Combine(RepositoryLayout.Fixtures, "rulesets", Path.GetFileNameWithoutExtension(file));
            var ruleSet = Directory.Exists(own) ? Path.GetRelativePath(Path.Combine(RepositoryLayout.Fixtures, "rulesets"), Directory.EnumerateFiles(own, "*.nft").Order(StringComparer.Ordinal).First()) : "01-documented.nft";
            return new TestCaseData(file, ruleSet).SetArgDisplayNames(Path.GetFileName(file));
        });

    [Test]
    public void TheCommittedRootComposeFileIsTheRenderingOfTheDefaultTopology()
    {
        var root = RepositoryLayout.Root;
        var committed = File.ReadAllText(Path.Combine(root, ComposeVerb.FileName));
        Assert.That(Render(Plan().Plan, root), Is.EqualTo(committed),
            "docker-compose.yml is stale: render it again with `./cryptshare-topology compose --no-images` at the repository root");
    }

    [Test]
    public void TheComposeFileCarriesNoSecret()
    {
        var (plan, context) = Plan();
        var yaml = Render(plan, _folder);
        Assert.That(context.Secrets.All.Where(yaml.Contains), Is.Empty, "no password in the compose file");
        Assert.That(yaml, Does.Not.Contain("PRIVATE KEY").And.Not.Contain("BEGIN CERTIFICATE"));
    }

    [Test]
    public void TheSupportFolderHoldsEveryMountedFileWithSecretsOwnerOnly()
    {
        var (plan, context) = Plan();
        var support = ComposeSupport.Write(_folder, plan);
        var mounted = plan.AllServices()
            .SelectMany(s => s.Spec.Files.Where(f => f.Content is FileContent.Text).Select(f => ComposePlan.SupportPathOf(s, f)))
            .Distinct().ToList();
        Assert.That(mounted.Where(f => !File.Exists(Path.Combine(support, f))), Is.Empty, "every mounted file is there");
        Assert.That(File.ReadAllText(Path.Combine(support, ".gitignore")), Does.Contain("*"), "git ignores the folder wherever it lies");
        Assert.That(File.ReadAllText(Path.Combine(support, "cryptshare", "admin-credentials")), Is.EqualTo($"{context.Secrets.AdminUser}:{context.Secrets.AdminPassword}\n"));
        Assert.That(File.ReadAllText(Path.Combine(support, "ldap", "bind.pw")), Is.EqualTo(context.Secrets.LdapBindPassword), "no newline: ldapsearch -y sends the bytes as they are");
        Assert.That(File.ReadAllText(Path.Combine(support, "ca.pem")), Is.EqualTo(context.Pki.AuthorityPem));
        if (!OperatingSystem.IsWindows())
        {
            Assert.That(File.GetUnixFileMode(Path.Combine(support, "ldap", "server.key")), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
            Assert.That(File.GetUnixFileMode(Path.Combine(support, "credentials")), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
            Assert.That(File.GetUnixFileMode(support), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
        }
    }

    [Test]
    public void EveryHostRunsItsImagesOwnEntrypointAfterTheRoutes()
    {
        var yaml = Render(Plan().Plan, _folder);
        foreach (var kind in HostKinds.All)
        {
            Assert.That(ImageEntrypoint.Of(kind), Is.Not.Empty, kind);
        }

        Assert.That(yaml, Does.Contain("\"ctt-routes\", \"nginx\", \"-g\", \"daemon off;\"]"), "os-repo's ENTRYPOINT is nginx itself");
        Assert.That(yaml, Does.Contain("ip route replace 10.77.2.0/24 via 10.77.1.254 && ip route replace 10.77.3.0/24 via 10.77.1.254 && ip route replace 10.77.4.0/24 via 10.77.1.254 && exec \\\"$$@\\\""),
            "an internet host routes every other zone via the firewall; $ is escaped from compose's interpolation");
    }

    [Test]
    public void ARuleSetWithAHostFirewallGivesItToTheServer()
    {
        var yaml = Render(Plan("10-host-firewall.nft").Plan, _folder);
        Assert.That(yaml, Does.Contain("10-host-firewall.host.nft\", target: /etc/ctt/host-firewall.rules, read_only: true"));
        Assert.That(yaml, Does.Contain("CTT_RULESET: \"/etc/ctt/rulesets/10-host-firewall.nft\""));
    }

    [TestCaseSource(nameof(EveryTopology))]
    public void EveryTopologyRendersEachHostAsItsKindsSpec(string topologyFile, string ruleSetFile)
    {
        var (plan, _) = Plan(ruleSetFile, topologyFile);
        var yaml = Render(plan, _folder);
        Assert.That(plan.Services.Select(s => s.Name), Is.EqualTo(plan.Topology.Hosts.Select(h => h.Name)), "one service per host");
        foreach (var service in plan.Services)
        {
            var host = service.Host!;
            Assert.That(yaml, Does.Contain($"image: cryptshare-topology/{host.Kind}:latest"), host.Name);
            foreach (var (name, value) in service.Spec.Environment)
            {
                Assert.That(yaml, Does.Contain($"{name}: {ComposeYaml.Quote(value)}"), $"{host.Name}: {name}");
            }

            Assert.That(yaml, Does.Contain($"test: [\"CMD\", {string.Join(", ", service.Spec.Readiness.Command.Select(ComposeYaml.Quote))}]"), $"{host.Name}: its kind's readiness check");
        }
    }

    [Test]
    public void AReverseProxyIsRenderedInFrontOfItsServerOnTheServersPorts()
    {
        var (plan, _) = Plan("reverse-proxy/01-web-via-proxy.nft", Path.Combine(RepositoryLayout.Fixtures, "topologies", "reverse-proxy.yml"));
        var proxy = plan.Services.Single(s => s.Spec.Kind == HostKinds.ReverseProxy);
        var environment = proxy.Spec.Environment.ToDictionary();
        Assert.That(environment["CTT_UPSTREAM_HOST"], Is.EqualTo(proxy.Host!.ReverseProxy!.ProxyFor));
        Assert.That((environment["CTT_UPSTREAM_HTTP_PORT"], environment["CTT_UPSTREAM_HTTPS_PORT"]), Is.EqualTo(("80", "443")));
        Assert.That(environment["CTT_PROFILE"], Is.EqualTo(proxy.Host.ReverseProxy.Profile));
    }

    [Test]
    public async Task TheVerbWritesBothAndRefusesToOverwriteAForeignComposeFile()
    {
        // Through the tool's entry point: its one error path turns the refusal into exit 2.
        var exit = await Tool.RunAsync(["compose", "--out", _folder, "--no-images"], TextWriter.Null, TextWriter.Null);
        Assert.That(exit, Is.Zero);
        Assert.That(File.ReadAllText(Path.Combine(_folder, ComposeVerb.FileName)), Does.StartWith(ComposeYaml.Marker));
        Assert.That(File.Exists(Path.Combine(_folder, ComposePlan.SupportFolder, "ldap", "directory.ldif")), Is.True);

        await File.WriteAllTextAsync(Path.Combine(_folder, ComposeVerb.FileName), "services: {}\n");
        exit = await Tool.RunAsync(["compose", "--out", _folder, "--no-images"], TextWriter.Null, TextWriter.Null);
        Assert.That(exit, Is.EqualTo(2), "someone else's docker-compose.yml is never overwritten");
        Assert.That(File.ReadAllText(Path.Combine(_folder, ComposeVerb.FileName)), Is.EqualTo("services: {}\n"));
    }
}
