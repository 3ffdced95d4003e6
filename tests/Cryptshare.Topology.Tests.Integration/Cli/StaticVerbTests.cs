using System.Text.Json;
using System.Xml.Linq;
using Cryptshare.Topology.Fixtures.Engine;

namespace Cryptshare.Topology.Tests.Integration.Cli;

/// <summary>The verbs that start no topology, as processes: analyze (nft parses, the oracle predicts) and graph.</summary>
[TestFixture]
[Category("Cli")]
public sealed class StaticVerbTests
{
    private static string RuleSet(string name) => Path.Combine(RepositoryLayout.Fixtures, "rulesets", name);

    [Test]
    public async Task AnalyzePredictsTheLdapsDropAndNamesTheDecidingRuleWithoutStartingATopology()
    {
        var run = ToolProcess.NewRunId();
        var output = Directory.CreateTempSubdirectory("ctt-analyze-");
        var result = await ToolProcess.RunAsync(run, "analyze", "--rules", RuleSet("04-ldaps-on-686.nft"), "--out", output.FullName);

        Assert.That(result.ExitCode, Is.Zero, "every prediction matches the rule set's expectation file\n" + result);
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output.FullName, "report.json")));
        var ldaps = report.RootElement.GetProperty("ruleSets")[0].GetProperty("flows").EnumerateArray()
            .Single(f => f.GetProperty("id").GetString() == "ldaps");
        Assert.That(ldaps.GetProperty("predicted").GetString(), Is.EqualTo("dropped"));
        var rule = ldaps.GetProperty("decidingRule");
        Assert.That(rule.GetProperty("source").GetString(), Is.EqualTo("oracle"));
        Assert.That(rule.GetProperty("chain").GetString(), Is.EqualTo("forward"), "the forward chain's policy drop decided it");
        Assert.That((await HarnessJanitor.FindAsync(run)).Containers.Where(c => !c.Contains("preflight", StringComparison.Ordinal)), Is.Empty, "no topology host was started");
    }

    [Test]
    public async Task GraphDrawsEveryZoneAndHostAsSvgWithoutStartingAnything()
    {
        var run = ToolProcess.NewRunId();
        var svg = Path.Combine(Directory.CreateTempSubdirectory("ctt-graph-").FullName, "topology.svg");
        var result = await ToolProcess.RunAsync(run, "graph", "--out", svg);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        var text = XDocument.Load(svg).ToString();
        foreach (var expected in new[] { "internet", "dmz", "intranet", "admin", "10.77.2.10", "cryptshare", "relay-465", "ldap" })
        {
            Assert.That(text, Does.Contain(expected));
        }

        Assert.That((await HarnessJanitor.FindAsync(run)).IsEmpty, Is.True);
    }
}
