using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.Oracle.Matrix;
using Cryptshare.Topology.Reports;
using Cryptshare.Topology.Runs;
using Cryptshare.Topology.Runs.Static;

namespace Cryptshare.Topology.Tests.Integration.Oracle;

/// <summary>
/// Every fix the diagnosis proposes has been proven, over every rule set of the library and every
/// customer fixture (fixtures/customers/NAME/, with its own topology.yml where it has one), each
/// analysed as <c>analyze</c> does (iptables-save translated and every file parsed by the firewall
/// image's nft): this test applies each proposed change to a fresh copy of nft's JSON itself,
/// predicts the whole matrix again and checks that the flow becomes as required and that no other
/// flow changes beyond what the fix says it also mends or opens. A line without a proven change
/// says "no single-rule fix was found". The counts go to the test's output.
/// </summary>
[TestFixture]
[Category("Oracle")]
public sealed class ProvenFixTests
{
    private static readonly string Customers = Path.Combine(RepositoryLayout.Fixtures, "customers");

    /// <summary>Every rule set to diagnose: (topology file or null for the default, rule file).</summary>
    private static IEnumerable<(string? Topology, string Rules)> Inputs()
    {
        foreach (var rules in MatrixInputs.LibraryRuleSetPaths())
        {
            yield return (null, rules);
        }

        foreach (var folder in Directory.EnumerateDirectories(Customers).Order(StringComparer.Ordinal))
        {
            var topology = Path.Combine(folder, "topology.yml");
            foreach (var rules in Directory.EnumerateFiles(folder).Where(f => f.EndsWith(".nft", StringComparison.Ordinal) || f.EndsWith(".rules", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            {
                yield return (File.Exists(topology) ? topology : null, rules);
            }
        }
    }

    private static readonly Lazy<Task<IReadOnlyList<Analysed>>> All = new(AnalyseAllAsync);

    private sealed record Analysed(string Rules, MatrixInputs Inputs, StaticMatrixReport Report, RuleSets.RuleSetJson Json);

    private static async Task<IReadOnlyList<Analysed>> AnalyseAllAsync()
    {
        var analysed = new List<Analysed>();
        await using var parser = Fixtures.Firewall.NftRuleSetParser.Best();
        foreach (var (topology, rules) in Inputs())
        {
            var inputs = await StaticAnalysis.TranslateAsync(MatrixInputs.Load(topology, [rules]), _ => { }, CancellationToken.None);
            var parsed = await StaticAnalysis.ParseAsync(inputs, parser, CancellationToken.None);
            var predicted = new StaticMatrixReport(StaticAnalysis.Predict(inputs, parsed), new StaticReportTimings(0, 0));
            var byName = ParsedJson.ByName(inputs, parsed);
            var (report, _) = StaticAnalysis.JudgeMatrix(predicted, inputs, byName);
            analysed.Add(new Analysed(rules, inputs, report, byName.Values.Single()));
        }

        return analysed;
    }

    [Test]
    public async Task EveryProposedFixMakesItsFlowAsRequiredAndChangesNoOtherFlow()
    {
        var proposed = 0;
        var noFix = 0;
        var problems = new List<string>();
        foreach (var item in await All.Value)
        {
            var ruleSet = item.Inputs.RuleSets.Single();
            var report = item.Report.RuleSets.Single();
            var cases = Cryptshare.Topology.Flows.MatrixPlanner.Plan(item.Inputs.Topology, item.Inputs.Catalog, ruleSet);
            var before = Predict(item.Inputs.Topology, cases, item.Json.Firewall, item.Json.HostFirewall);
            foreach (var line in report.Diagnosis ?? [])
            {
                TestContext.Progress.WriteLine($"{Path.GetFileName(item.Rules)} {line.FlowId}/{line.From}: {line.Fix}");
                if (line.Proven is not { } proven)
                {
                    Assert.That(line.Fix, Does.Contain(FixAdvisor.NoSingleRuleFix).Or.StartWith("none in the rule set").Or.StartWith("not a closed port"), $"{ruleSet.Name} {line.FlowId}/{line.From}: a fix without a proof: {line.Fix}");
                    noFix += line.Fix.Contains(FixAdvisor.NoSingleRuleFix, StringComparison.Ordinal) ? 1 : 0;
                    continue;
                }

                proposed++;
                var onHost = proven.Change.Hop == Hops.Host;
                var copy = new NftJsonEdit(onHost ? item.Json.HostFirewall! : item.Json.Firewall);
                Assert.That(proven.Change.Apply(copy), Is.True, $"{ruleSet.Name}: the change applies to a fresh copy");
                var after = onHost
                    ? Predict(item.Inputs.Topology, cases, item.Json.Firewall, copy.ToString())
                    : Predict(item.Inputs.Topology, cases, copy.ToString(), item.Json.HostFirewall);
                var key = RuleSets.RuleSet.Key(line.FlowId, line.From);
                var wanted = line.Severity == DiagnosisSeverity.Blocked ? "allowed" : "refused";
                var ok = line.Severity == DiagnosisSeverity.Blocked ? after[key] == Verdict.Allowed : after[key] is Verdict.Dropped or Verdict.Rejected;
                if (!ok)
                {
                    problems.Add($"{ruleSet.Name} {key}: after \"{proven.Change.Text}\" predicted {after[key]}, not {wanted}");
                }

                foreach (var other in after.Keys.Where(k => k != key && after[k] != before[k]))
                {
                    var declared = proven.AlsoFixes.Contains(other) || (proven.AlsoOpens.Contains(other) && after[other] == Verdict.Allowed);
                    if (!declared)
                    {
                        problems.Add($"{ruleSet.Name} {key}: \"{proven.Change.Text}\" also changes {other} from {before[other]} to {after[other]}");
                    }
                }
            }
        }

        TestContext.Progress.WriteLine($"proven fixes: {proposed} proposed, {noFix} lines with \"{FixAdvisor.NoSingleRuleFix}\"");
        Assert.That(problems, Is.Empty);
        Assert.That(proposed, Is.GreaterThan(0), "the library has diagnosed flows with fixes");
    }

    [Test]
    public async Task ASecondTableHookedIntoForwardIsNamedAsSuchAndFixedInThatTable()
    {
        var line = Diagnosis("guard-table.nft", "global-catalog", "dmz");
        var file = Path.Combine(Customers, "guard-table", "guard-table.nft");
        var rejectLine = Array.FindIndex(await File.ReadAllLinesAsync(file), l => l.Contains("reject with tcp reset", StringComparison.Ordinal)) + 1;
        Assert.Multiple(() =>
        {
            Assert.That(line.Fix, Does.StartWith("table `ip guard` refuses it at forward priority filter - 10 before `inet perimeter` (priority filter) sees it"));
            Assert.That(line.Fix, Does.Contain($"guard-table.nft:{rejectLine}"));
            Assert.That(line.Fix, Does.Not.Contain("move that rule"));
            Assert.That(line.Fix, Does.Contain($"insert before guard-table.nft:{rejectLine} (in chain forward of table ip guard)"));
            Assert.That(line.Proven, Is.Not.Null);
        });
    }

    [Test]
    public void SwappedAddressPortPairsInASetAreNamedWithTheSetAndTheMissingPair()
    {
        var smtp = Diagnosis("swapped-pairs.nft", "smtp", "dmz");
        var ldap = Diagnosis("swapped-pairs.nft", "ldap", "dmz");
        Assert.Multiple(() =>
        {
            Assert.That(smtp.Fix, Does.StartWith("set dmz_to_intranet (swapped-pairs.nft:6) holds `10.77.3.30 . 25` but not `10.77.3.20 . 25`, the pair this flow needs, and `10.77.3.20 . 389` instead: the addresses of two pairs look swapped"));
            Assert.That(smtp.Fix, Does.Contain("`add element inet perimeter dmz_to_intranet { 10.77.3.20 . 25 }`"));
            Assert.That(ldap.Fix, Does.Contain("`add element inet perimeter dmz_to_intranet { 10.77.3.30 . 389 }`"));
            Assert.That(smtp.Fix + ldap.Fix, Does.Not.Contain("web app"));
        });
    }

    [Test]
    public void UfwAllowInsteadOfRouteAllowIsNamedAndTheFixIsAForwardRuleInIptables()
    {
        foreach (var flow in new[] { "admin-https", "admin-http", "ssh-shell" })
        {
            var line = Diagnosis("ufw-allow-not-route.rules", flow, "admin");
            Assert.That(line.Fix, Does.StartWith("ufw-allow-not-route.rules:148 (-A ufw-user-input -d 10.77.2.10/32 -i admin").And.Contain("in chain ufw-user-input, which only the input hook reaches").And.Contain("`ufw route allow in on admin out on dmz to 10.77.2.10 port"), flow);
            Assert.That(line.Fix, Does.Match(@"-A \S+ -i admin -o dmz -d 10\.77\.2\.10/32 -p tcp -m tcp --dport \d+ -j ACCEPT"), flow);
            Assert.That(line.Fix, Does.Not.Contain("check interface names").And.Not.Contain("archive"), flow);
            Assert.That(line.Proven, Is.Not.Null, flow);
        }
    }

    [Test]
    public async Task APortInTheSourceColumnIsNamedByItsLineAndMovedToTheDestinationColumn()
    {
        var line = Diagnosis("shorewall-gc-sport.rules", "global-catalog", "dmz");
        var file = await File.ReadAllLinesAsync(Path.Combine(Customers, "shorewall-gc-sport", "shorewall-gc-sport.rules"));
        var sport = Array.FindIndex(file, l => l.StartsWith("-A ", StringComparison.Ordinal) && l.Contains("--sport 3268", StringComparison.Ordinal)) + 1;
        Assert.Multiple(() =>
        {
            Assert.That(line.Fix, Does.StartWith($"shorewall-gc-sport.rules:{sport} (\"Global Catalog\") accepts --sport 3268, the port the connection comes from"));
            Assert.That(line.Fix, Does.Contain($"on shorewall-gc-sport.rules:{sport}, write `--dport 3268` instead of `--sport 3268`"));
            Assert.That(line.Fix, Does.Not.Contain("no rule accepts"));
            Assert.That(line.Proven, Is.Not.Null);
        });
    }

    [Test]
    public async Task TheExposingRuleOfAFirewalldRouterIsNamedByItsLine()
    {
        var line = Diagnosis("firewalld-gc-tls.nft", "exposure-gc-tls", "dmz");
        var file = await File.ReadAllLinesAsync(Path.Combine(Customers, "firewalld-gc-tls", "firewalld-gc-tls.nft"));
        var exposing = Array.FindIndex(file, l => l.Trim() == "ip saddr 10.77.2.10 tcp dport 3269 accept") + 1;
        Assert.Multiple(() =>
        {
            Assert.That(exposing, Is.GreaterThan(0));
            Assert.That(line.Rule, Does.Contain($"filter_FWD_policy_cs-to-intranet_allow #").And.Contain($"at firewalld-gc-tls.nft:{exposing}"));
            Assert.That(line.Fix, Does.StartWith($"firewalld-gc-tls.nft:{exposing} (ip saddr 10.77.2.10 tcp dport 3269 accept) accepts more than the documented flows"));
            Assert.That(line.Proven, Is.Not.Null);
        });
    }

    [Test]
    public async Task EveryLineAnIptablesSaveFileIsCitedByIsTheFilesOwnAndHoldsTheRuleNamed()
    {
        var cited = 0;
        foreach (var item in (await All.Value).Where(a => a.Inputs.RuleSets.Single().SavedText is not null))
        {
            var name = Path.GetFileName(item.Rules);
            var file = await File.ReadAllLinesAsync(item.Rules);
            Assert.That(file[0], Does.StartWith("#"), $"{name} has a comment header");
            var report = item.Report.RuleSets.Single();
            var texts = (report.Diagnosis ?? []).SelectMany(l => new[] { l.Rule, l.Fix }).Concat(report.Flows.Select(f => f.DecidingRule?.ToString() ?? string.Empty));
            foreach (var match in texts.SelectMany(t => System.Text.RegularExpressions.Regex.Matches(t, System.Text.RegularExpressions.Regex.Escape(name) + @":(\d+)(?: \(([^)]*)\))?")))
            {
                cited++;
                var line = file[int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) - 1];
                // A rule's line, or (since a deciding policy is placed too) a built-in chain's policy line.
                Assert.That(line, Does.StartWith("-A ").Or.Match(@"^:\S+ (ACCEPT|DROP) \["), $"{match.Value} names a rule or policy line of {name}");
                if (match.Groups[2].Success && match.Groups[2].Value.StartsWith('"'))
                {
                    Assert.That(line, Does.Contain($"--comment {match.Groups[2].Value}"), match.Value);
                }
            }
        }

        TestContext.Progress.WriteLine($"iptables-save line references checked: {cited}");
        Assert.That(cited, Is.GreaterThan(0));
    }

    private static DiagnosisLine Diagnosis(string file, string flow, string from)
    {
        var item = All.Value.GetAwaiter().GetResult().Single(a => Path.GetFileName(a.Rules) == file);
        var lines = item.Report.RuleSets.Single().Diagnosis ?? [];
        return lines.SingleOrDefault(l => l.FlowId == flow && l.From == from)
            ?? throw new AssertionException($"{file}: no diagnosis for {flow}/{from}; it has {string.Join("; ", lines.Select(l => $"{l.FlowId}/{l.From}"))}");
    }

    private static Dictionary<string, Verdict?> Predict(TopologyDefinition topology, IReadOnlyList<Cryptshare.Topology.Flows.ProbeCase> cases, string firewallJson, string? hostJson)
    {
        var oracle = MatrixOracle.For(topology, firewallJson, hostJson);
        var verdicts = new Dictionary<string, Verdict?>();
        foreach (var probeCase in cases)
        {
            verdicts.TryAdd(probeCase.Key, oracle.Predict(probeCase).Verdict);
        }

        return verdicts;
    }
}
