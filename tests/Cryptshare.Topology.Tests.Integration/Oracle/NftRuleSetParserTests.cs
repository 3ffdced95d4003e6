using Cryptshare.Topology.Runs;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Fixtures.Firewall;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.RuleSets;
using Cryptshare.Topology.Reports;

namespace Cryptshare.Topology.Tests.Integration.Oracle;

/// <summary>
/// The two ways `analyze` has nft parse a rule set (a private network namespace with this machine's
/// nft; one throw-away firewall container with the live firewall's nft): the same predictions, the
/// library's expectations, nft's own message with file, line and column for a bad rule set, and
/// nothing of any other file when a rule set includes one (nft reads in a jail either way).
/// </summary>
[TestFixture]
[Category("Oracle")]
public sealed class NftRuleSetParserTests
{
    private static readonly FlowCatalog Catalog = FlowCatalog.Load(Path.Combine(RepositoryLayout.Fixtures, "flows", "catalog.yml"));
    private static readonly TopologyDefinition Topology = TopologyLoader.Load(Path.Combine(RepositoryLayout.Fixtures, "topologies", "default.yml"), Catalog);

    public static IEnumerable<string> Ways => ["namespace", "container"];

    [TestCaseSource(nameof(Ways))]
    public async Task PredictsTheLibrarysExpectations(string way)
    {
        await using var parser = Create(way);
        // iptables-save files (perimeters and host firewalls) are parsed as their translation, as analyze parses them.
        var library = await new MatrixInputs(Topology, Catalog, RuleSetLoader.LoadLibrary(Path.Combine(RepositoryLayout.Fixtures, "rulesets"), Catalog)).PreflightAsync(_ => { }, CancellationToken.None);
        foreach (var ruleSet in library.RuleSets)
        {
            var parsed = await parser.ParseAsync(ruleSet, Topology);
            Assert.That(parsed.HostFirewallJson is null, Is.EqualTo(ruleSet.HostFirewall is null), ruleSet.Name);
            var report = StaticMatrix.Predict(Topology, Catalog, ruleSet, parsed.FirewallJson, parsed.HostFirewallJson, parsed.ParsedBy);
            Assert.That(report.Flows.Where(f => f.Predicted != f.Expected).Select(f => $"{ruleSet.Name} {f.Id}/{f.From}: expected {f.Expected}, predicted {f.Predicted} ({f.Detail})"), Is.Empty);
        }
    }

    [TestCaseSource(nameof(Ways))]
    public async Task ABadRuleSetGetsNftsMessageWithTheCallersFileLineAndColumn(string way)
    {
        await using var parser = Create(way);
        var ruleSet = new RuleSet("bad", "/srv/customer/bad.nft", "table inet x {\n\tchain c {\n\t\ttype filter hook forward priority 0;\n\t\ttcp dport 80 acept\n\t}\n}\n", null, new Dictionary<string, System.Net.IPAddress>(), null);
        var error = Assert.ThrowsAsync<NftParseException>(() => parser.ParseAsync(ruleSet, Topology));
        Assert.That(error!.Message, Does.StartWith("/srv/customer/bad.nft:4:").And.Contain("Error: syntax error"));
    }

    [TestCaseSource(nameof(Ways))]
    public async Task ABadHostFirewallIsNamedByItsOwnFile(string way)
    {
        await using var parser = Create(way);
        var ruleSet = new RuleSet("host", "/srv/customer/host.nft", "table inet x {\n}\n", null, new Dictionary<string, System.Net.IPAddress>(), "tcp dport 9090 dorp\n");
        var error = Assert.ThrowsAsync<NftParseException>(() => parser.ParseAsync(ruleSet, Topology));
        Assert.That(error!.Message, Does.StartWith("/srv/customer/host.host.nft:1:"));
    }

    [TestCaseSource(nameof(Ways))]
    public async Task AnIncludeOfAnotherFileFindsNothingToQuoteEvenPastTheLoader(string way)
    {
        await using var parser = Create(way);
        var text = "table inet x {\n}\ninclude \"/etc/shadow\"\ninclude \"../../../etc/passwd\"\n";
        var ruleSet = new RuleSet("shadow", "/srv/customer/shadow.nft", text, null, new Dictionary<string, System.Net.IPAddress>(), null);
        var error = Assert.ThrowsAsync<NftParseException>(() => parser.ParseAsync(ruleSet, Topology));
        Assert.That(error!.Message, Does.StartWith("/srv/customer/shadow.nft:3:").And.Contain("File not found"));
        Assert.That(error.Message, Does.Not.Contain("root:").And.Not.Contain("daemon:"));
    }

    private static NftRuleSetParser Create(string way)
    {
        if (way == "namespace" && !NftRuleSetParser.NamespaceAvailable)
        {
            Assert.Ignore("this machine cannot parse in a private network namespace (needs root, nft, ip and unshare)");
        }

        return way == "namespace" ? NftRuleSetParser.InNamespace() : NftRuleSetParser.InContainer();
    }
}
