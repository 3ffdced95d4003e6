using System.Net;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.Oracle;
using Cryptshare.Topology.Reports;
using Cryptshare.Topology.RuleSets;

namespace Cryptshare.Topology.Tests.Unit.Reports;

/// <summary>The diagnosis lines for reports made from the rule-set library and for crafted customer inputs.</summary>
[TestFixture]
public sealed class DiagnosticianTests
{
    private static IReadOnlyList<DiagnosisLine> Diagnose(RuleSet ruleSet, Func<Flows.ProbeCase, Verdict?>? observe = null, bool decidingRules = true, bool withRules = true, RuleSetJson? parsed = null) =>
        Diagnostician.Diagnose(
            SampleMatrix.Report(ruleSet, observe, decidingRules, parsed),
            withRules ? new DiagnosisContext(SampleMatrix.Catalog, SampleMatrix.Topology, ruleSet, parsed ?? SampleMatrix.Parsed(ruleSet)) : new DiagnosisContext(SampleMatrix.Catalog, SampleMatrix.Topology));

    [Test]
    public void TheDocumentedRuleSetNeedsNoDiagnosis() =>
        Assert.That(Diagnose(SampleMatrix.RuleSet("01-documented")), Is.Empty);

    [Test]
    public void LdapsOpenedOn686PointsAtTheRuleAndTheVendorsNumber()
    {
        var line = Diagnose(SampleMatrix.RuleSet("04-ldaps-on-686")).Single();
        Assert.Multiple(() =>
        {
            Assert.That((line.FlowId, line.From, line.Port, line.Observed, line.Severity),
                Is.EqualTo(("ldaps", "dmz", 636, Verdict.Dropped, DiagnosisSeverity.Blocked)));
            Assert.That(line.Message, Is.EqualTo("LDAP synchronisation over LDAPS fails."));
            Assert.That(line.Rule, Is.EqualTo("inet perimeter forward policy drop"));
            Assert.That(line.Fix, Does.StartWith("04-ldaps-on-686.nft:11 (\"LDAP, LDAPS (686 as printed in the vendor table), Global Catalog\") opens 686"));
            Assert.That(line.Fix, Does.Contain("opens 686, the number printed in the vendor documentation; LDAPS listens on 636"));
        });
    }

    [Test]
    public void The686HintAlsoReadsAnIptablesSaveExport()
    {
        // parsed/directory-686.rules, in the translation `run` loads (iptables-restore-translate keeps each rule on its line).
        var (ruleSet, parsed) = Customer("directory-686.rules.nft", "directory-686.rules");
        var line = Diagnose(ruleSet, OnlyLdapsDropped, parsed: parsed).Single();
        Assert.That(line.Fix, Does.StartWith("customer.rules:4 (\"directory\") opens 686, the number printed in the vendor documentation; LDAPS listens on 636"));
    }

    [Test]
    public void AnIptablesSaveFileWithACommentHeaderIsCitedByItsOwnLines()
    {
        // iptables-restore-translate drops comments, so the same translation stands for the file
        // with a header; its lines would be off by the header's length.
        const string header = "# Sent by ACME's admin on Monday\n# iptables-save on fw-01, before the change\n# (the dump follows)\n";
        var (ruleSet, parsed) = Customer("directory-686.rules.nft", "directory-686.rules", header);
        var context = new DiagnosisContext(SampleMatrix.Catalog, SampleMatrix.Topology, ruleSet, parsed);
        var report = Diagnostician.Attach(SampleMatrix.Report(ruleSet, OnlyLdapsDropped, parsed: parsed), context);
        var file = ruleSet.SavedText!.Split('\n');
        var cited = report.Diagnosis!.SelectMany(l => new[] { l.Rule, l.Fix })
            .Concat(report.Flows.Select(f => f.DecidingRule?.ToString() ?? string.Empty))
            .SelectMany(text => System.Text.RegularExpressions.Regex.Matches(text, @"customer\.rules:(\d+)(?: \(""([^""]*)""\))?"))
            .ToList();
        Assert.That(cited, Is.Not.Empty, "the diagnosis names rules by line");
        Assert.That(report.Diagnosis!.Single().Fix, Does.StartWith("customer.rules:7 (\"directory\") opens 686"));
        foreach (var match in cited)
        {
            var line = file[int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) - 1];
            Assert.That(line, Does.StartWith("-A "), match.Value);
            if (match.Groups[2].Success)
            {
                Assert.That(line, Does.Contain($"--comment \"{match.Groups[2].Value}\""), match.Value);
            }
        }
    }

    [Test]
    public void A686InACommentIsNotAnOpenPort()
    {
        var (ruleSet, parsed) = Customer("ldaps-not-686.nft", "ldaps-not-686");
        var line = Diagnose(ruleSet, OnlyLdapsDropped, parsed: parsed).Single();
        Assert.That(line.Fix, Does.Not.Contain("opens 686"));
        Assert.That(line.Fix, Does.StartWith("customer.rules:5 (\"LDAPS, not 686\") opens tcp port 636, but not for this flow"));
        Assert.That(line.Fix, Does.Contain("ip daddr 10.77.3.30 tcp dport 636 accept"));
    }

    [Test]
    public void LdapsMovedTo686ButTheRulesOpen636SaysSo()
    {
        var yaml = File.ReadAllText(SampleMatrix.Topology.SourceFile)
            .Replace("serves: [ldap, ldaps, global-catalog, exposure-gc-tls, exposure-internet-ldap]",
                "serves: [ldap, ldaps, global-catalog, exposure-gc-tls, exposure-internet-ldap]\n    ports: { ldaps: 686 }", StringComparison.Ordinal);
        var topology = TopologyLoader.Parse("customer.yml", yaml, SampleMatrix.Catalog);
        var ruleSet = SampleMatrix.RuleSet("01-documented");
        var report = SampleMatrix.Report(ruleSet, c => c.Flow.Id == "ldaps" ? Verdict.Dropped : null) with { };
        var flows = report.Flows.Select(f => f.Id == "ldaps" ? f with { Port = 686 } : f).ToList();
        var line = Diagnostician.Diagnose(report with { Flows = flows }, SampleMatrix.Context(ruleSet, topology)).Single();
        Assert.That(line.Fix, Does.Contain("opens 636, the standard LDAPS port, but this directory serves LDAPS on 686: on 01-documented.nft:12, change port 636 to 686 (checked:"));
    }

    [Test]
    public void AMissingReturnRuleIsNamedForEveryBlockedFlow()
    {
        var lines = Diagnose(SampleMatrix.RuleSet("08-missing-established"));
        Assert.That(lines, Has.Count.EqualTo(19), "every required flow of the default profile");
        Assert.That(lines.Select(l => l.Fix), Has.All.Contain("08-missing-established.nft has no rule accepting return traffic")
            .And.All.Contain("`ct state established,related accept`"));
    }

    [Test]
    public void WithoutTheCompiledRuleSetEveryFlowDroppedStillPointsAtTheReturnRule()
    {
        var lines = Diagnose(SampleMatrix.RuleSet("08-missing-established"), withRules: false);
        Assert.That(lines.Select(l => l.Fix), Has.All.StartWith("every flow of this rule set is refused; the usual cause is a missing return-traffic rule"));
    }

    [Test]
    public void AdminAndShellOpenToTheInternetAreExposuresToRestrictToTheIntranet()
    {
        var lines = Diagnose(SampleMatrix.RuleSet("06-admin-exposed-to-internet"));
        Assert.That(lines.Select(l => $"{l.FlowId}/{l.From}/{l.Severity.ToWord()}"),
            Is.EqualTo(new[] { "admin-https/internet/exposed", "admin-http/internet/exposed", "ssh-shell/internet/exposed" }));
        Assert.That(lines.Select(l => l.Fix), Has.All.StartWith("06-admin-exposed-to-internet.nft:8 (\"admin interface and shell, from anywhere\") lets it in from the internet; the documentation recommends the intranet only: " +
            "on 06-admin-exposed-to-internet.nft:8, take \"internet\" out of its interfaces (iifname) (checked: with this change the oracle predicts closed for this flow and no other flow changes; it also mends"));
        Assert.That(lines[0].Rule, Does.Contain("iifname { \"admin\", \"intranet\", \"internet\" }"));
        Assert.That(lines[0].Message, Does.StartWith("Open from the internet zone, which the documentation keeps closed: Access to the Cryptshare Administration Interface"));
    }

    [Test]
    public void WithoutADecidingRuleTheLineSaysSoAndTheFixNamesTheLine()
    {
        var line = Diagnose(SampleMatrix.RuleSet("06-admin-exposed-to-internet"), decidingRules: false)[0];
        Assert.That(line.Rule, Is.EqualTo(Diagnostician.NoRuleRecorded));
        Assert.That(line.Fix, Does.StartWith("06-admin-exposed-to-internet.nft:8 (\"admin interface and shell, from anywhere\") lets it in from the internet"));
    }

    [Test]
    public void AnUndocumentedOpenFlowIsAnExposureWithTheCatalogsWords()
    {
        var line = Diagnose(SampleMatrix.RuleSet("01-documented"), c => c.Flow.Id == "exposure-internet-ldap" ? Verdict.Allowed : null).Single();
        Assert.That((line.Severity, line.Message), Is.EqualTo((DiagnosisSeverity.Exposed, "The directory is exposed to the internet.")));
        // The observation is made up (the rules close it): no fix can be checked, and the line says so.
        Assert.That(line.Fix, Is.EqualTo("01-documented.nft:12 (\"LDAP, LDAPS, Global Catalog\") accepts more than the documented flows; no single-rule fix was found that could be checked: " +
            "the oracle predicts dropped where the probe saw allowed; it is decided by table inet perimeter, chain forward, 01-documented.nft:12 (\"LDAP, LDAPS, Global Catalog\")"));
    }

    [Test]
    public void TheServersOwnFirewallIsNamedWhenItRefusesThePort()
    {
        var lines = Diagnose(SampleMatrix.RuleSet("10-host-firewall"));
        Assert.That(lines.Select(l => $"{l.FlowId}/{l.From}"), Is.EqualTo(new[] { "admin-http/admin", "admin-http/intranet" }));
        var ruleLine = Array.FindIndex(File.ReadAllLines(SampleMatrix.RuleSet("10-host-firewall").SourceFile.Replace(".nft", ".host.nft", StringComparison.Ordinal)), l => l.Contains("dport 9090")) + 1;
        Assert.That(lines[0].Fix, Does.StartWith($"the Cryptshare Server's own firewall refuses it (10-host-firewall.host.nft:{ruleLine} (\"host firewall: HTTP admin interface not opened\"))"));
    }

    [Test]
    public void ADecidingRuleInATableThePerimeterDoesNotHaveIsTheHostFirewalls()
    {
        var ruleSet = SampleMatrix.RuleSet("10-host-firewall") with { HostFirewall = "policy drop;\n" };
        var report = SampleMatrix.Report(ruleSet);
        var hostRule = new ReportedRule(new RuleReference("inet", "ctt_host", "input", null, null, "policy drop"), RuleSource.Kernel, PacketVerdict.Drop);
        report = report with { Flows = report.Flows.Select(f => f.Id == "admin-http" ? f with { DecidingRule = hostRule } : f).ToList() };
        var line = Diagnostician.Diagnose(report, new DiagnosisContext(SampleMatrix.Catalog, SampleMatrix.Topology, ruleSet,
            new RuleSetJson(SampleMatrix.Json("10-host-firewall"), SampleMatrix.Json("host-policy-drop.host"))))[0];
        Assert.That(line.Fix, Is.EqualTo("the Cryptshare Server's own firewall refuses it (inet ctt_host input policy drop): add at the end of 10-host-firewall.host.nft: " +
            "`ip saddr 10.77.4.0/24 tcp dport 9090 accept` (checked: with this change the oracle predicts allowed for this flow and no other flow changes)"));
    }

    [Test]
    public void AClosedPortGetsARuleToAddWithTheTopologysNames()
    {
        var line = Diagnose(SampleMatrix.RuleSet("05-gc-blocked")).Single();
        Assert.That(line.Message, Is.EqualTo("Policy lookups against the Active Directory Global Catalog fail."));
        Assert.That(line.Fix, Is.EqualTo("no rule opens tcp port 3268 from the dmz zone to ldap: insert after 05-gc-blocked.nft:12, at the end of chain forward of table inet perimeter: " +
            "`iifname \"dmz\" oifname \"intranet\" ip daddr 10.77.3.30 tcp dport 3268 accept` (checked: with this change the oracle predicts allowed for this flow and no other flow changes)"));
    }

    [Test]
    public void ARejectingRuleThatDecidedIsNamed()
    {
        var ruleSet = SampleMatrix.RuleSet("07-reject-instead-of-drop");
        var report = SampleMatrix.Report(ruleSet);
        var refusing = new ReportedRule(
            new RuleReference("inet", "perimeter", "forward", 9, "refuse outbound", "iifname \"dmz\" meta l4proto tcp reject with icmpx admin-prohibited"), RuleSource.Kernel, PacketVerdict.Reject);
        report = report with { Flows = report.Flows.Select(f => f.From == "dmz" ? f with { DecidingRule = refusing } : f).ToList() };
        var smtp = Diagnostician.Diagnose(report, SampleMatrix.Context(ruleSet)).Single(l => l.FlowId == "smtp");
        Assert.That(smtp.Rule, Is.EqualTo("inet perimeter forward #9 \"refuse outbound\": iifname \"dmz\" meta l4proto tcp reject with icmpx admin-prohibited"));
        Assert.That(smtp.Fix, Does.StartWith("07-reject-instead-of-drop.nft:8 (\"refuse outbound\") refuses it and no rule before it accepts tcp port 25: insert before 07-reject-instead-of-drop.nft:8 (in chain forward of table inet perimeter): " +
            "`iifname \"dmz\" oifname \"intranet\" ip daddr 10.77.3.20 tcp dport 25 accept` (checked:"));
    }

    [Test]
    public void ABrokenExchangeIsNotAClosedPort()
    {
        var line = Diagnose(SampleMatrix.RuleSet("01-documented"), c => c.Key == "ui-https/internet" ? Verdict.Broken : null).Single();
        Assert.That(line.Severity, Is.EqualTo(DiagnosisSeverity.Blocked));
        Assert.That(line.Fix, Does.StartWith("not a closed port: the connection was made but the https exchange failed (HTTP 400: missing header X-CS-ClientId)"));
    }

    [Test]
    public void AnUnroutableProbeIsInconclusive()
    {
        var line = Diagnose(SampleMatrix.RuleSet("01-documented"), c => c.Key == "smtp/dmz" ? Verdict.Unroutable : null).Single();
        Assert.That(line.Severity, Is.EqualTo(DiagnosisSeverity.Inconclusive));
        Assert.That(line.Fix, Does.Contain("says nothing about the rules"));
    }

    [Test]
    public void OptionalFlowsThatAreClosedAreNotDiagnosed()
    {
        // smtps and submission are not required with mailPort 25; 03 opens only 587, so smtp (25) is the one line.
        var lines = Diagnose(SampleMatrix.RuleSet("03-mail-587-only"));
        Assert.That(lines.Select(l => l.FlowId), Is.EqualTo(new[] { "smtp" }));
    }

    [Test]
    public void AttachPutsEachRuleSetsDiagnosisOnItsReport()
    {
        var ruleSets = new[] { SampleMatrix.RuleSet("01-documented"), SampleMatrix.RuleSet("04-ldaps-on-686") };
        var matrix = Diagnostician.Attach(SampleMatrix.Matrix(ruleSets.Select(r => SampleMatrix.Report(r)).ToArray()), SampleMatrix.Catalog, SampleMatrix.Topology, ruleSets, SampleMatrix.Parsed(ruleSets));
        Assert.That(matrix.RuleSets.Select(r => r.Diagnosis!.Count), Is.EqualTo(new[] { 0, 1 }));
        Assert.That(Diagnostician.AnyProblem(matrix), Is.True);
    }

    /// <summary>A customer's rule set has no expectations: every case says what it observed.</summary>
    private static Verdict? OnlyLdapsDropped(Flows.ProbeCase c) => c.Flow.Id == "ldaps" || c.Exposure ? Verdict.Dropped : Verdict.Allowed;

    /// <summary>A customer's rule set from parsed/ as `run` loads it (an iptables-save file in its translation), with nft's JSON of it.</summary>
    private static (RuleSet RuleSet, RuleSetJson Parsed) Customer(string file, string name, string? header = null) =>
        (new("customer", "/tmp/customer.rules", SampleMatrix.Text(file), null, new Dictionary<string, IPAddress>(), null)
        {
            SavedText = file.EndsWith(".rules.nft", StringComparison.Ordinal) ? header + SampleMatrix.Text(file[..^4]) : null,
        }, new RuleSetJson(SampleMatrix.Json(name), null));
}
