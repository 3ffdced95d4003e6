using System.Net;
using Cryptshare.Topology.Oracle.Kernel;
using Cryptshare.Topology.Oracle.Matrix;

namespace Cryptshare.Topology.Tests.Unit.Oracle;

/// <summary>
/// What ends a probe's wait early (the live matrix's drops decided from the trace): a traced drop of
/// the SYN, never an accept, a reject or a connection the trace has not seen; and no evidence at all
/// for a rule set that may decide a retransmitted SYN differently. Trace and rules as in
/// <see cref="KernelAttributionTests"/>.
/// </summary>
[TestFixture]
[Category("Oracle")]
public sealed class DropEvidenceTests
{
    private static string LabRules => File.ReadAllText(Path.Combine(KernelAttributionTests.Folder, "trace-lab.json"));

    private static KernelAttribution Lab() => KernelAttributionTests.Lab();

    private static ProbedConnection To(int port, string address = "10.99.2.10") => new(IPAddress.Parse("10.99.1.10"), "internet", IPAddress.Parse(address), port);

    [TestCase(81, "policy drop")]
    [TestCase(443, "tcp dport 443 drop comment \"no tls\"")]
    [TestCase(91, "tcp dport vmap { 90 : accept, 91 : drop, 92 : jump web }")]
    public void ATracedDropOfTheSynIsEvidence(int port, string rule)
    {
        var drop = DropEvidence.Of(Lab(), To(port));
        Assert.That(drop, Is.Not.Null);
        Assert.That((drop!.Step, drop.Rule!.Text), Is.EqualTo((HandshakeStep.Syn, rule)), drop.Detail);
        Assert.That(drop.Detail, Does.Contain("dropped at the firewall"));
    }

    [TestCase(80, Description = "accepted")]
    [TestCase(83, Description = "rejected with a reset: the probe sees the RST itself")]
    [TestCase(84, Description = "rejected")]
    public void AnAcceptOrARejectIsNoEvidence(int port) => Assert.That(DropEvidence.Of(Lab(), To(port)), Is.Null);

    [Test]
    public void ProbesSharingAConnectionNeedAsManyTracedDrops()
    {
        var ports = Lab().SynSourcePorts(To(81));
        Assert.That(ports, Is.Not.Empty, "the lab trace holds the SYN to port 81");
        Assert.That(DropEvidence.Of(Lab(), To(81), ports.Count), Is.Not.Null, "as many dropped connections as probes");
        Assert.That(DropEvidence.Of(Lab(), To(81), ports.Count + 1), Is.Null, "one probe more than traced connections: that one may not be dropped");
    }

    [Test]
    public void AConnectionNotTracedYetIsNoEvidence() => Assert.That(DropEvidence.Of(Lab(), To(80, "10.99.2.99")), Is.Null);

    [Test]
    public void AnEmptyTraceIsNoEvidence() =>
        Assert.That(DropEvidence.Of(new KernelAttribution([], LabRules), To(81)), Is.Null);

    [Test]
    public void ADeterministicRuleSetAllowsEvidence() =>
        Assert.That(DropEvidence.Unusable(LabRules, null), Is.Null);

    [TestCase("""{"limit": {"rate": 10, "per": "second"}}""", "limit")]
    [TestCase("""{"quota": {"val": 1, "val_unit": "mbytes"}}""", "quota")]
    [TestCase("""{"match": {"op": "==", "left": {"numgen": {"mode": "random", "mod": 2}}, "right": 0}}""", "numgen")]
    [TestCase("""{"xt": {"type": "match", "name": "recent"}}""", "-m recent")]
    [TestCase("""{"xt": {"type": "match", "name": "hashlimit"}}""", "-m hashlimit")]
    public void ARuleThatCountsPacketsAndDecidesGivesNoEvidence(string statement, string named)
    {
        var json = Rules(("forward", $$$"""[{{{statement}}}, {"drop": null}]"""));
        Assert.That(DropEvidence.Unusable(json, null), Does.Contain(named).And.Contain("chain forward"));
        Assert.That(DropEvidence.Unusable("""{"nftables": []}""", json), Does.Contain(named), "the host firewall's rules count too");
    }

    [TestCase("""{"set": {"op": "add", "elem": {"payload": {"protocol": "ip", "field": "saddr"}}, "set": "@seen"}}""", "set")]
    [TestCase("""{"meter": {"name": "m", "key": {"payload": {"protocol": "ip", "field": "saddr"}}, "stmt": {"limit": {"rate": 1, "per": "second"}}}}""", "meter")]
    public void ARuleThatRemembersPacketsGivesNoEvidenceEvenWhenItOnlyLogs(string statement, string named) =>
        Assert.That(DropEvidence.Unusable(Rules(("forward", $$$"""[{{{statement}}}, {"log": {"prefix": "x"}}]""")), null), Does.Contain(named));

    [Test]
    public void ARateLimitedLogRuleDecidesNothing() =>
        Assert.That(DropEvidence.Unusable(Rules(("forward", """[{"limit": {"rate": 3, "burst": 10, "per": "minute"}}, {"counter": null}, {"xt": {"type": "target", "name": "LOG"}}]""")), null), Is.Null,
            "ufw's and Shorewall's logging: the limit decides whether a line is logged, not the packet's fate");

    [Test]
    public void ALimitedJumpIntoALoggingChainDecidesNothing()
    {
        // ufw's ufw-not-local: `-m limit -j ufw-logging-deny`, a chain that only logs and returns.
        var json = Rules(
            ("ufw-not-local", """[{"limit": {"rate": 3, "per": "minute"}}, {"jump": {"target": "ufw-logging-deny"}}]"""),
            ("ufw-not-local", """[{"drop": null}]"""),
            ("ufw-logging-deny", """[{"xt": {"type": "match", "name": "conntrack"}}, {"limit": {"rate": 3, "per": "minute"}}, {"return": null}]"""),
            ("ufw-logging-deny", """[{"limit": {"rate": 3, "per": "minute"}}, {"log": {"prefix": "[UFW BLOCK] "}}]"""));
        Assert.That(DropEvidence.Unusable(json, null), Is.Null);
    }

    [Test]
    public void ALimitedReturnInAChainThatDecidesIsUnstable()
    {
        // Returning early skips the drop below for the first SYN, not for a later one.
        var json = Rules(
            ("guard", """[{"limit": {"rate": 3, "per": "minute"}}, {"return": null}]"""),
            ("guard", """[{"drop": null}]"""));
        Assert.That(DropEvidence.Unusable(json, null), Does.Contain("limit").And.Contain("chain guard"));
    }

    [Test]
    public void ALimitedJumpIntoAChainThatDecidesIsUnstable()
    {
        var json = Rules(
            ("forward", """[{"limit": {"rate": 3, "per": "minute"}}, {"jump": {"target": "deny"}}]"""),
            ("deny", """[{"drop": null}]"""));
        Assert.That(DropEvidence.Unusable(json, null), Does.Contain("limit"));
    }

    private static string Rules(params (string Chain, string Expr)[] rules)
    {
        var items = rules.Select((r, i) => "{\"rule\": {\"family\": \"ip\", \"table\": \"filter\", \"chain\": \"" + r.Chain + "\", \"handle\": " + (i + 2) + ", \"expr\": " + r.Expr + "}}");
        return "{\"nftables\": [" + string.Join(", ", items) + "]}";
    }
}
