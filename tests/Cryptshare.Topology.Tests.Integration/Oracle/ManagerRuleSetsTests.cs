using System.Text.RegularExpressions;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Reports;
using Cryptshare.Topology.Runs;
using Cryptshare.Topology.Runs.Static;

namespace Cryptshare.Topology.Tests.Integration.Oracle;

/// <summary>
/// The perimeter rule sets made by real firewall managers (fixtures/rulesets 11–13, made by
/// fixtures/managers/regenerate.sh: ufw's and Shorewall's
/// iptables-save, firewalld's nft listing), analysed as <c>analyze --topology
/// fixtures/topologies/default.yml --rules FILE</c> does (iptables-save translated and every file
/// parsed by the firewall image's nft): the oracle predicts every flow, each as the file's
/// <c>.expect.yml</c> (written from the configured policy) says, and every rule it names is named by
/// a line of the customer's file that holds that rule.
/// </summary>
[TestFixture]
[Category("Oracle")]
[NonParallelizable] // the analyze parser's throw-away container has one name per process: ProvenFixTests starts one too
public sealed partial class ManagerRuleSetsTests
{
    private static readonly string Managers = Path.Combine(RepositoryLayout.Fixtures, "rulesets");

    private static readonly string[] Perimeters = ["11-ufw-perimeter.rules", "12-shorewall-perimeter.rules", "13-firewalld-router.nft"];

    private static readonly Lazy<Task<IReadOnlyDictionary<string, StaticRuleSetReport>>> Analysed = new(AnalyseAsync);

    private static async Task<IReadOnlyDictionary<string, StaticRuleSetReport>> AnalyseAsync()
    {
        var reports = new Dictionary<string, StaticRuleSetReport>();
        await using var parser = Fixtures.Firewall.NftRuleSetParser.Best();
        foreach (var file in Perimeters)
        {
            var inputs = MatrixInputs.Load(MatrixInputs.DefaultTopologyPath, [Path.Combine(Managers, file)]);
            inputs = await StaticAnalysis.TranslateAsync(inputs, _ => { }, CancellationToken.None);
            var parsed = await StaticAnalysis.ParseAsync(inputs, parser, CancellationToken.None);
            var predicted = new StaticMatrixReport(StaticAnalysis.Predict(inputs, parsed), new StaticReportTimings(0, 0));
            var (report, _) = StaticAnalysis.JudgeMatrix(predicted, inputs, ParsedJson.ByName(inputs, parsed));
            reports[file] = report.RuleSets.Single();
        }

        return reports;
    }

    [TestCaseSource(nameof(Perimeters))]
    public async Task TheOraclePredictsEveryFlowAsTheExpectationSays(string file)
    {
        var report = (await Analysed.Value)[file];
        Assert.That(report.Flows, Has.Count.EqualTo(26), file);
        var unpredicted = report.Flows.Where(f => f.Predicted is null).Select(f => $"{f.Id}/{f.From}: {f.Detail}").ToList();
        var disagreeing = report.Flows.Where(f => f.Predicted is not null && f.Predicted != f.Expected).Select(f => $"{f.Id}/{f.From}: predicted {f.Predicted}, expected {f.Expected}").ToList();
        Assert.Multiple(() =>
        {
            Assert.That(report.Flows.Select(f => f.Expected), Has.All.Not.Null, $"{file}: its .expect.yml names every flow");
            Assert.That(unpredicted, Is.Empty, $"{file}: flows the oracle could not predict");
            Assert.That(disagreeing, Is.Empty, $"{file}: predictions against {Path.GetFileNameWithoutExtension(file)}.expect.yml");
        });
        TestContext.Progress.WriteLine($"{file}: {report.Flows.Count(f => f.Predicted is not null)} of {report.Flows.Count} predicted, all as expected");
    }

    [TestCaseSource(nameof(Perimeters))]
    public async Task EveryRuleNamedIsNamedByALineOfTheFileThatHoldsIt(string file)
    {
        var report = (await Analysed.Value)[file];
        var lines = await File.ReadAllLinesAsync(Path.Combine(Managers, file));
        var cited = 0;
        foreach (var flow in report.Flows)
        {
            if (flow.DecidingRule is not { } deciding)
            {
                continue;
            }

            Assert.That(deciding.Location, Does.Match($"^{Regex.Escape(file)}:\\d+$"), $"{file} {flow.Id}/{flow.From}: {deciding} is named by its line");
            var number = int.Parse(deciding.Location![(file.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            if (deciding.IsPolicy)
            {
                // A chain's policy: iptables-save's ":FORWARD DROP [0:0]", nft's "policy drop;" in the chain's header.
                var verdict = deciding.Rule.Text.Split(' ').Last();
                Assert.That(lines[number - 1], Does.StartWith($":{deciding.Rule.Chain} {verdict.ToUpperInvariant()} ").Or.Contain($"policy {verdict};"), $"{file} {flow.Id}/{flow.From}: {deciding.Location} sets the policy");
            }
            else
            {
                AssertHolds(file, lines, number, deciding, $"{flow.Id}/{flow.From}");
            }

            cited++;
        }

        // The diagnosis cites lines as FILE:LINE too (these files have none unless a flow failed).
        foreach (var match in (report.Diagnosis ?? []).SelectMany(l => new[] { l.Rule, l.Fix }).SelectMany(t => Regex.Matches(t, Regex.Escape(file) + @":(\d+)")))
        {
            var number = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.That(number, Is.InRange(1, lines.Length), match.Value);
            Assert.That(lines[number - 1].TrimStart(), Does.Not.StartWith("#").And.Not.Empty, $"{match.Value} is a rule line");
            cited++;
        }

        TestContext.Progress.WriteLine($"{file}: {cited} line references checked");
        Assert.That(cited, Is.GreaterThan(0));
    }

    /// <summary>The file's line holds the rule: <c>-A CHAIN …</c> (with its comment) in an iptables-save file, the rule's own text inside its chain's block in an nft listing.</summary>
    private static void AssertHolds(string file, string[] lines, int number, ReportedRule deciding, string flow)
    {
        var rule = deciding.Rule;
        var line = lines[number - 1];
        if (file.EndsWith(".rules", StringComparison.Ordinal))
        {
            Assert.That(line, Does.StartWith($"-A {rule.Chain} "), $"{file} {flow}: {deciding.Location} holds a rule of chain {rule.Chain}");
            if (rule.Comment is { } comment)
            {
                Assert.That(line, Does.Contain(comment), $"{file} {flow}: {deciding.Location} holds the rule with comment \"{comment}\"");
            }

            return;
        }

        var chain = lines.Take(number - 1).Reverse().Select(l => ChainHeader().Match(l)).FirstOrDefault(m => m.Success)?.Groups[1].Value;
        Assert.Multiple(() =>
        {
            Assert.That(chain, Is.EqualTo(rule.Chain), $"{file} {flow}: {deciding.Location} is in chain {rule.Chain}");
            Assert.That(line.Trim(), Is.EqualTo(rule.Text), $"{file} {flow}: {deciding.Location} holds the rule's text");
        });
    }

    [GeneratedRegex(@"^\s*chain (\S+) \{")]
    private static partial Regex ChainHeader();
}
