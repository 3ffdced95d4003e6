using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Input;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.RuleSets;

namespace Cryptshare.Topology.Tests.Unit.RuleSets;

/// <summary>
/// How a rule set finds the server's host firewall beside it: <c>NAME.host.nft</c> (statements of
/// the input chain, or a whole ruleset) or <c>NAME.host.rules</c> (iptables-save), whether the
/// perimeter is <c>NAME.nft</c> or <c>NAME.rules</c>; the library lists both kinds of perimeter
/// and never a host firewall as a rule set of its own.
/// </summary>
[TestFixture]
public sealed class HostFirewallFilesTests
{
    private const string Perimeter = "table inet p {\n\tchain forward {\n\t\ttype filter hook forward priority 0; policy drop;\n\t}\n}\n";
    private const string IptablesPerimeter = "*filter\n:FORWARD DROP [0:0]\n-A FORWARD -p tcp --dport 443 -j ACCEPT\nCOMMIT\n";
    private const string IptablesHost = "# iptables-save of the server\n*filter\n:INPUT DROP [0:0]\n-A INPUT -i lo -j ACCEPT\nCOMMIT\n";
    private const string WholeHost = "table inet firewalld {\n\tchain filter_INPUT {\n\t\ttype filter hook input priority filter + 10; policy accept;\n\t}\n}\n";

    private static readonly FlowCatalog Catalog = FlowCatalog.Load(Path.Combine(RepositoryLayout.Fixtures, "flows", "catalog.yml"));

    private DirectoryInfo _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("ctt-hostfw-");

    [TearDown]
    public void RemoveFolder() => _folder.Delete(recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Test]
    public void AnIptablesSaveHostFirewallComesWithItsPerimeter()
    {
        var perimeter = Write("15-x.nft", Perimeter);
        var host = Write("15-x.host.rules", IptablesHost);
        var ruleSet = RuleSetLoader.Load(perimeter, Catalog);
        Assert.That((ruleSet.HostFirewallFile, ruleSet.HostFormat, ruleSet.HostFirewallAsSent), Is.EqualTo((host, HostFirewallFormat.IptablesSave, IptablesHost)));
    }

    [Test]
    public void AWholeRulesetHostFirewallComesWithAnIptablesSavePerimeter()
    {
        var perimeter = Write("14-x.rules", IptablesPerimeter);
        var host = Write("14-x.host.nft", WholeHost);
        var ruleSet = RuleSetLoader.Load(perimeter, Catalog);
        Assert.That((ruleSet.HostFirewallFile, ruleSet.HostFormat), Is.EqualTo((host, HostFirewallFormat.NftRuleset)));
    }

    [Test]
    public void TwoHostFirewallsForOneRuleSetAreRefused()
    {
        var perimeter = Write("x.nft", Perimeter);
        Write("x.host.nft", "tcp dport 9090 drop\n");
        Write("x.host.rules", IptablesHost);
        var error = Assert.Throws<InputException>(() => RuleSetLoader.Load(perimeter, Catalog));
        Assert.That(error!.Message, Does.Contain("x.host.rules").And.Contain("a second host firewall for the same rule set beside x.host.nft"));
    }

    [Test]
    public void TheLibraryListsBothKindsOfPerimeterAndNoHostFirewall()
    {
        Write("01-a.nft", Perimeter);
        Write("02-b.rules", IptablesPerimeter);
        Write("03-c.nft", Perimeter);
        Write("03-c.host.rules", IptablesHost);
        Write("04-d.rules", IptablesPerimeter);
        Write("04-d.host.nft", WholeHost);
        Write("04-d.expect.yml", "expect:\n  ui-https/internet: allowed\n");
        Assert.That(RuleSetLoader.LibraryFiles(_folder.FullName).Select(Path.GetFileName), Is.EqualTo(new[] { "01-a.nft", "02-b.rules", "03-c.nft", "04-d.rules" }));
    }

    [Test]
    public void AHostFirewallNamedBesideItsRuleSetComesAlongWithIt()
    {
        var paths = new[] { Write("c.rules", IptablesPerimeter), Write("c.host.rules", IptablesHost), Write("d.host.rules", IptablesHost) };
        Assert.That(RuleSetLoader.WithoutCompanionHostFirewalls(paths).Select(Path.GetFileName), Is.EqualTo(new[] { "c.rules", "d.host.rules" }));
    }
}
