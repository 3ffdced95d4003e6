using Cryptshare.Topology.Model;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Fixtures.Firewall;
using Cryptshare.Topology.Input;
using Cryptshare.Topology.RuleSets;

namespace Cryptshare.Topology.Tests.Integration.Engine;

/// <summary>
/// The firewall's nft reads rule files in its jail, for the live load and for run's pre-flight: a
/// rule set's includes beside it load, and an include of any other file finds nothing, even when it
/// reaches nft without the loader's check, so no line of it can appear in a message.
/// </summary>
[TestFixture]
[Category("Engine")]
public sealed class FirewallRuleFilesTests
{
    private static readonly FlowCatalog Catalog = FlowCatalog.Load(Path.Combine(RepositoryLayout.Fixtures, "flows", "catalog.yml"));

    private const string WithShadow = "table inet t {\n\tchain c {\n\t}\n}\ninclude \"/etc/shadow\"\ninclude \"../../../etc/passwd\"\n";

    private DirectoryInfo _folder = null!;

    [SetUp]
    public void WriteRuleFiles()
    {
        _folder = Directory.CreateTempSubdirectory("ctt-jail-");
        Directory.CreateDirectory(Path.Combine(_folder.FullName, "conf.d"));
        File.WriteAllText(Path.Combine(_folder.FullName, "main.nft"), "table inet filter {\n\tinclude \"forward.nft\"\n}\ninclude \"conf.d/*.nft\"\n");
        File.WriteAllText(Path.Combine(_folder.FullName, "forward.nft"), "chain forward {\n\ttype filter hook forward priority 0; policy drop;\n\ttcp dport 443 accept comment \"from the included file\"\n}\n");
        File.WriteAllText(Path.Combine(_folder.FullName, "conf.d", "nat.nft"), "table ip nat {\n\tchain prerouting {\n\t\ttype nat hook prerouting priority -100;\n\t}\n}\n");
    }

    [TearDown]
    public void RemoveRuleFiles() => _folder.Delete(recursive: true);

    [Test]
    public async Task TheLiveFirewallLoadsARuleSetWithItsIncludesAndReadsNoOtherFile()
    {
        await using var firewall = new FirewallBuilder(await HostImages.GetAsync(FirewallBuilder.Kind)).Build();
        await firewall.StartAsync();

        await firewall.LoadRuleSetAsync(RuleSetLoader.Load(Path.Combine(_folder.FullName, "main.nft"), Catalog));
        var live = await firewall.ListRuleSetAsync();
        Assert.That(live, Does.Contain("from the included file").And.Contain("table ip nat"));

        var error = Assert.ThrowsAsync<RuleSetRejectedException>(() => firewall.LoadRuleSetAsync(WithShadow, "/srv/customer/shadow.nft"));
        Assert.That(error!.Message, Does.Contain("/srv/customer/shadow.nft:5:"));
        Assert.That(error.Message, Does.Not.Contain("root:").And.Not.Contain("daemon:").And.Not.Contain("/rules/"));
        Assert.That(await firewall.ListRuleSetAsync(), Does.Contain("from the included file"), "the rejected rule set changed nothing");
    }

    [Test]
    public async Task RunsPreflightChecksARuleSetWithItsIncludesAndReadsNoOtherFile()
    {
        await using var preflight = await RuleSetPreflight.StartAsync();
        await preflight.CheckAsync(RuleSetLoader.Load(Path.Combine(_folder.FullName, "main.nft"), Catalog));

        var error = Assert.ThrowsAsync<InputException>(() => preflight.CheckAsync(WithShadow, "/srv/customer/shadow.nft"));
        Assert.That(error!.Message, Does.StartWith("/srv/customer/shadow.nft:5: nft rejects the rule set"));
        Assert.That(error.Message, Does.Not.Contain("root:").And.Not.Contain("daemon:"));
    }
}
