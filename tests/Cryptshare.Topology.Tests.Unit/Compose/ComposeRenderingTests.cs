using System.CommandLine;
using Cryptshare.Topology.Cli.Compose;
using Cryptshare.Topology.Cli.Matrix;
using Cryptshare.Topology.Cli.Verbs;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.RuleSets;

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

    private static (ComposePlan Plan, ComposeSecrets Secrets) Plan(string outputFolder, string ruleSetFile = "01-documented.nft")
    {
        var topology = TopologyLoader.Load(MatrixInputs.DefaultTopologyPath, Catalog);
        var ruleSet = RuleSetLoader.Load(Path.Combine(RepositoryLayout.Fixtures, "rulesets", ruleSetFile), Catalog);
        var secrets = new ComposeSecrets();
        return (ComposePlan.Create(topology, Catalog, ruleSet, outputFolder, secrets), secrets);
    }

    private static string Render(ComposePlan plan, string outputFolder) =>
        ComposeYaml.Render(plan, ComposePlan.RelativeTo(outputFolder, plan.Topology.SourceFile), ComposePlan.RelativeTo(outputFolder, plan.RuleSet.SourceFile));

    [Test]
    public void TheCommittedRootComposeFileIsTheRenderingOfTheDefaultTopology()
    {
        var root = RepositoryLayout.Root;
        var committed = File.ReadAllText(Path.Combine(root, ComposeVerb.FileName));
        Assert.That(Render(Plan(root).Plan, root), Is.EqualTo(committed),
            "docker-compose.yml is stale: render it again with `./cryptshare-topology compose --no-images` at the repository root");
    }

    [Test]
    public void TheComposeFileCarriesNoSecret()
    {
        var (plan, secrets) = Plan(_folder);
        var yaml = Render(plan, _folder);
        Assert.That(secrets.Credentials.All.Where(yaml.Contains), Is.Empty, "no password in the compose file");
        Assert.That(yaml, Does.Not.Contain("PRIVATE KEY").And.Not.Contain("BEGIN CERTIFICATE"));
    }

    [Test]
    public void TheSupportFolderHoldsEveryMountedFileWithSecretsOwnerOnly()
    {
        var (plan, secrets) = Plan(_folder);
        var support = ComposeSupport.Write(_folder, plan);
        var mounted = plan.Services.SelectMany(s => s.Files).Select(f => f.SupportPath).Distinct().ToList();
        Assert.That(mounted.Where(f => !File.Exists(Path.Combine(support, f))), Is.Empty, "every mounted file is there");
        Assert.That(File.ReadAllText(Path.Combine(support, ".gitignore")), Does.Contain("*"), "git ignores the folder wherever it lies");
        Assert.That(File.ReadAllText(Path.Combine(support, "cryptshare", "admin-credentials")), Is.EqualTo($"{secrets.Credentials.AdminUser}:{secrets.Credentials.AdminPassword}\n"));
        Assert.That(File.ReadAllText(Path.Combine(support, "ldap", "bind.pw")), Is.EqualTo(secrets.Credentials.LdapBindPassword), "no newline: ldapsearch -y sends the bytes as they are");
        Assert.That(File.ReadAllText(Path.Combine(support, "ca.pem")), Is.EqualTo(secrets.Pki.AuthorityPem));
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
        var yaml = Render(Plan(_folder).Plan, _folder);
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
        var yaml = Render(Plan(_folder, "10-host-firewall.nft").Plan, _folder);
        Assert.That(yaml, Does.Contain("10-host-firewall.host.nft\", target: /etc/ctt/host-firewall.rules, read_only: true"));
        Assert.That(yaml, Does.Contain("CTT_RULESET: \"/etc/ctt/rulesets/10-host-firewall.nft\""));
    }

    [Test]
    public async Task TheVerbWritesBothAndRefusesToOverwriteAForeignComposeFile()
    {
        var root = new RootCommand { ComposeVerb.Create() };
        var exit = await root.Parse(["compose", "--out", _folder, "--no-images"]).InvokeAsync();
        Assert.That(exit, Is.Zero);
        Assert.That(File.ReadAllText(Path.Combine(_folder, ComposeVerb.FileName)), Does.StartWith(ComposeYaml.Marker));
        Assert.That(File.Exists(Path.Combine(_folder, ComposePlan.SupportFolder, "ldap", "directory.ldif")), Is.True);

        await File.WriteAllTextAsync(Path.Combine(_folder, ComposeVerb.FileName), "services: {}\n");
        exit = await root.Parse(["compose", "--out", _folder, "--no-images"]).InvokeAsync();
        Assert.That(exit, Is.EqualTo(2), "someone else's docker-compose.yml is never overwritten");
        Assert.That(File.ReadAllText(Path.Combine(_folder, ComposeVerb.FileName)), Is.EqualTo("services: {}\n"));
    }
}
