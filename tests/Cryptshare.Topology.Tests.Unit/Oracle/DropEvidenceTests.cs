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
    [TestCase("""{"numgen": {"mode": "random", "mod": 2}}""", "numgen")]
    [TestCase("""{"set": {"op": "add", "elem": {"payload": {}}, "set": "@seen"}}""", "op")]
    public void ARuleSetThatCountsOrRemembersPacketsGivesNoEvidence(string statement, string named)
    {
        var json = $$$"""{"nftables": [{"rule": {"family": "inet", "table": "filter", "chain": "forward", "handle": 4, "expr": [{{{statement}}}]}}]}""";
        Assert.That(DropEvidence.Unusable(json, null), Does.Contain(named));
        Assert.That(DropEvidence.Unusable("""{"nftables": []}""", json), Does.Contain(named), "the host firewall's rules count too");
    }
}
