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

        // Exit 1, as run gives: every prediction matches the expectation file, and the prediction
        // is that LDAPS, which the deployment profile requires, is dropped (the 686 diagnosis).
        Assert.That(result.ExitCode, Is.EqualTo(1), "a required flow is predicted blocked, as run observes it\n" + result);
        Assert.That(result.Stdout, Does.Contain("every prediction as expected"), "the expectation file holds");
        Assert.That(result.Stdout, Does.Contain("blocked: ldaps from dmz (port 636, dropped)").And.Contain("opens 686"));
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output.FullName, "report.json")));
        var ldaps = report.RootElement.GetProperty("ruleSets")[0].GetProperty("flows").EnumerateArray()
            .Single(f => f.GetProperty("id").GetString() == "ldaps");
        Assert.That(ldaps.GetProperty("predicted").GetString(), Is.EqualTo("dropped"));
        var rule = ldaps.GetProperty("decidingRule");
        Assert.That(rule.GetProperty("source").GetString(), Is.EqualTo("oracle"));
        Assert.That(rule.GetProperty("chain").GetString(), Is.EqualTo("forward"), "the forward chain's policy drop decided it");
        Assert.That((await HarnessJanitor.FindAsync(run)).Containers.Where(c => !c.Contains("preflight", StringComparison.Ordinal)), Is.Empty, "no topology host was started");
    }

    /// <summary>
    /// A customer's rule file comes without an expectation file: analyze judges the predictions
    /// against the deployment profile's requirements and exposures, exactly as run judges observations.
    /// </summary>
    [TestCase("06-admin-exposed-to-internet", "exposed: admin-https from internet (port 8080, allowed)", "take \"internet\" out of its interfaces")]
    [TestCase("04-ldaps-on-686", "blocked: ldaps from dmz (port 636, dropped)", "opens 686, the number printed in the vendor documentation")]
    public async Task WithoutAnExpectationFileAnalyzeJudgesTheProfileAsRunDoes(string ruleSet, string diagnosis, string fix)
    {
        var folder = Directory.CreateTempSubdirectory("ctt-analyze-");
        try
        {
            var rules = Path.Combine(folder.FullName, ruleSet + ".nft");
            File.Copy(RuleSet(ruleSet + ".nft"), rules);
            var result = await ToolProcess.RunAsync(ToolProcess.NewRunId(), "analyze", "--rules", rules, "--out", Path.Combine(folder.FullName, "out"));

            Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
            Assert.That(result.Stdout, Does.Contain(diagnosis).And.Contain(fix), "run's diagnosis, from the predictions");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>A rule set of which the oracle predicts nothing is never a pass: exit 5, every flow listed with what stopped the oracle.</summary>
    [Test]
    public async Task ARuleSetTheOracleCannotPredictExitsFiveAndNamesTheConstruct()
    {
        var folder = Directory.CreateTempSubdirectory("ctt-analyze-");
        try
        {
            // A rate limit with a verdict: whether it matches depends on the traffic before, not on the rules (marks, once the example, are modelled now).
            var rules = Path.Combine(folder.FullName, "mark.nft");
            await File.WriteAllTextAsync(rules, "table inet marks {\n\tchain forward {\n\t\ttype filter hook forward priority filter; policy accept;\n\t\tlimit rate 10/minute drop\n\t}\n}\n");
            var result = await ToolProcess.RunAsync(ToolProcess.NewRunId(), "analyze", "--rules", rules, "--out", Path.Combine(folder.FullName, "out"));

            Assert.That(result.ExitCode, Is.EqualTo(5), result.ToString());
            Assert.That(result.Stdout, Does.Match(@"not predicted: (\d+) of \1 flows"), "every flow is listed as not predicted");
            Assert.That(result.Stdout, Does.Contain("mark/ui-https from internet (port 443 to cryptshare): ").And.Contain("limit rate 10/minute"), "each flow with the construct that stopped the oracle");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
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
