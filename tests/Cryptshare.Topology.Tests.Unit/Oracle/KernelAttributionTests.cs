using System.Net;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.Oracle;
using Cryptshare.Topology.Oracle.Kernel;
using Cryptshare.Topology.Oracle.Matrix;

namespace Cryptshare.Topology.Tests.Unit.Oracle;

/// <summary>
/// Reading <c>nft -a monitor trace</c> (matrix/trace-lab.trace, captured from nft 1.0.6 with the rule
/// set matrix/trace-lab.nft) and naming the rule that decided each probed connection.
/// </summary>
[TestFixture]
[Category("Oracle")]
public sealed class KernelAttributionTests
{
    internal static readonly string Folder = Path.Combine(RepositoryLayout.Root, "tests", "Cryptshare.Topology.Tests.Unit", "Oracle", "matrix");

    /// <summary>The captured lab trace with its rules (also what <see cref="DropEvidenceTests"/> reads).</summary>
    internal static KernelAttribution Lab() =>
        new(File.ReadAllLines(Path.Combine(Folder, "trace-lab.trace")), File.ReadAllText(Path.Combine(Folder, "trace-lab.json")));

    private static ProbedConnection To(string address, int port) => new(IPAddress.Parse("10.99.1.10"), "internet", IPAddress.Parse(address), port, Exchange: false);

    [TestCase(80, PacketVerdict.Accept, "web", 7L, "tcp dport 80 accept comment \"web ok\"")]
    [TestCase(81, PacketVerdict.Drop, "forward", null, "policy drop")]
    [TestCase(82, PacketVerdict.Drop, "forward", null, "policy drop")]
    [TestCase(443, PacketVerdict.Drop, "web", 5L, "tcp dport 443 drop comment \"no tls\"")]
    [TestCase(90, PacketVerdict.Accept, "forward", 13L, "tcp dport vmap { 90 : accept, 91 : drop, 92 : jump web }")]
    [TestCase(91, PacketVerdict.Drop, "forward", 13L, "tcp dport vmap { 90 : accept, 91 : drop, 92 : jump web }")]
    [TestCase(92, PacketVerdict.Drop, "forward", null, "policy drop")]
    [TestCase(83, PacketVerdict.Reject, "forward", 14L, "tcp dport 83 reject with tcp reset comment \"rst\"")]
    [TestCase(84, PacketVerdict.Reject, "forward", 15L, "tcp dport 84 reject")]
    public void NamesTheRuleThatDecidedTheConnection(int port, PacketVerdict verdict, string chain, long? handle, string text)
    {
        var decision = Lab().Attribute(To("10.99.2.10", port), out var why);
        Assert.That(decision, Is.Not.Null, why);
        Assert.That((decision!.Verdict, decision.Rule!.Chain, decision.Rule.Handle, decision.Rule.Text), Is.EqualTo((verdict, chain, handle, text)), decision.Detail);
    }

    [Test]
    public void TheAcceptingRuleOfADnatConnectionIsTheFilterRuleNotTheTranslation()
    {
        var decision = Lab().Attribute(To("10.99.1.254", 8080), out var why);
        Assert.That(decision, Is.Not.Null, why);
        Assert.That((decision!.Verdict, decision.Rule!.Table, decision.Rule.Chain, decision.Rule.Handle, decision.Rule.Comment), Is.EqualTo((PacketVerdict.Accept, "filter", "web", 7L, "web ok")));
        Assert.That(decision.Detail, Does.Contain("SYN-ACK accepted by inet filter forward #8"), "the reply came back by the established rule");
    }

    [Test]
    public void AConnectionTheTraceNeverSawHasNoAttribution()
    {
        Assert.That(Lab().Attribute(To("10.99.2.99", 80), out var why), Is.Null);
        Assert.That(why, Does.StartWith("no SYN from 10.99.1.10 to 10.99.2.99:80"));
    }

    [Test]
    public void TheOracleNamesTheSameRulesAsTheKernel()
    {
        var routing = new StaticRouting()
            .WithInterface("internet", IPAddress.Parse("10.99.1.254"), 24)
            .WithInterface("dmz", IPAddress.Parse("10.99.2.254"), 24);
        var oracle = new MatrixOracle(routing, File.ReadAllText(Path.Combine(Folder, "trace-lab.json")));
        var kernel = Lab();
        foreach (var (address, port) in new[] { ("10.99.2.10", 80), ("10.99.2.10", 81), ("10.99.2.10", 82), ("10.99.2.10", 443), ("10.99.2.10", 90), ("10.99.2.10", 91), ("10.99.2.10", 92), ("10.99.2.10", 83), ("10.99.2.10", 84), ("10.99.2.10", 85), ("10.99.1.254", 8080) })
        {
            var connection = To(address, port);
            var predicted = oracle.Predict(connection);
            var decided = kernel.Attribute(connection, out _);
            Assert.That(RuleReference.Same(predicted.Rule, decided!.Rule), Is.True, $"{connection}: oracle {predicted.Rule}, kernel {decided.Rule}");
        }
    }

    /// <summary>
    /// Issue 19 (matrix/masquerade-reply.*): the SYN from north or south to east is accepted by the
    /// early prerouting chain (#21) and masqueraded on its way out of east; the server's SYN-ACK comes
    /// back addressed to the firewall's own east address, and the early chain (priority -150, before
    /// conntrack undoes the masquerade at -100) drops it by its destination port (#20, the client's
    /// ephemeral port is in @ports). No pass of that packet carries the client's address.
    /// </summary>
    [TestCase("172.30.0.3", "north", 22)]
    [TestCase("172.30.0.3", "north", 80)]
    [TestCase("172.30.0.3", "north", 443)]
    [TestCase("172.31.0.3", "south", 22)]
    [TestCase("172.31.0.3", "south", 80)]
    [TestCase("172.31.0.3", "south", 443)]
    public void ASynAckDroppedBeforeConntrackUndoesTheMasqueradeIsTheSynAck(string client, string zone, int port)
    {
        var (kernel, oracle) = CapturedLab("masquerade-reply", "172.30.0.2/16", "172.31.0.2/16", "192.168.0.2/20");
        var connection = new ProbedConnection(IPAddress.Parse(client), zone, IPAddress.Parse("192.168.0.3"), port, Exchange: false);
        var decision = kernel.Attribute(connection, out var why);
        Assert.That(decision, Is.Not.Null, why);
        Assert.That((decision!.Verdict, decision.Step, decision.Rule!.Chain, decision.Rule.Handle), Is.EqualTo((PacketVerdict.Drop, HandshakeStep.SynAck, "early", 20L)), decision.Detail);
        Assert.That(decision.Detail, Does.StartWith("SYN accepted by inet lab early #21"));

        // The evidence: the dropped SYN-ACK as the trace shows it, to the firewall's east address.
        var synAck = kernel.FirewallPackets.Single(p => p.Header is { Flags: TcpFlags.Syn | TcpFlags.Ack, InputInterface: "east" } && p.Header.SourcePort == port
            && p.Passes.Any(pass => pass.Events.Any(e => e.Handle == 20)) && IsReplyTo(kernel, p, connection));
        Assert.That(synAck.Header.Destination, Is.EqualTo(IPAddress.Parse("192.168.0.2")));
        Assert.That(synAck.Passes.Select(pass => pass.Chain), Is.EqualTo(new[] { "prerouting", "early" }), "dropped in the early chain, before the NAT slot");

        var predicted = oracle.Predict(connection);
        Assert.That((predicted.Verdict, predicted.Step), Is.EqualTo((Verdict.Dropped, HandshakeStep.SynAck)), predicted.Detail);
        Assert.That(RuleReference.Same(predicted.Rule, decision.Rule), Is.True, $"oracle {predicted.Rule}, kernel {decision.Rule}");
    }

    /// <summary>
    /// The oracle's side of issue 19 (matrix/masquerade-reply-before-nat.*, a rule set written for the
    /// lab): before prerouting's NAT slot a masqueraded connection's SYN-ACK is still addressed to the
    /// firewall's own east address (192.168.192.2), so the early chain's rule on that address drops
    /// the replies from ports 22 and 80, and its rule on the client's address never matches.
    /// </summary>
    [TestCase(22, Verdict.Dropped, "early", 4L)]
    [TestCase(80, Verdict.Dropped, "early", 4L)]
    [TestCase(443, Verdict.Allowed, "forward", 7L)]
    [TestCase(8080, Verdict.Allowed, "forward", 7L)]
    public void BeforeTheNatSlotAMasqueradedReplyIsAddressedToTheFirewall(int port, Verdict verdict, string chain, long handle)
    {
        var (kernel, oracle) = CapturedLab("masquerade-reply-before-nat", "192.168.160.2/20", "192.168.176.2/20", "192.168.192.2/20");
        var connection = new ProbedConnection(IPAddress.Parse("192.168.160.3"), "north", IPAddress.Parse("192.168.192.3"), port, Exchange: false);

        var predicted = oracle.Predict(connection);
        var decided = kernel.Attribute(connection, out var why);
        Assert.That(decided, Is.Not.Null, why);
        Assert.That((predicted.Verdict, predicted.Rule!.Chain, predicted.Rule.Handle), Is.EqualTo((verdict, chain, handle)), predicted.Detail);
        Assert.That(RuleReference.Same(predicted.Rule, decided!.Rule), Is.True, $"oracle {predicted.Rule}, kernel {decided.Rule}");
    }

    /// <summary>
    /// A connect-only probe whose ACK the firewall rejects (matrix/ack-rejected.*, seed 1924997152
    /// rule set 233): the reset or ICMP error reaches the client's socket (IP_RECVERR) before the
    /// agent has seen the connect complete, so a reset is observed as broken and an ICMP error as
    /// rejected, and the ACK's rule decided; the kernel's trace names the same rule.
    /// </summary>
    [TestCase("172.21.0.3", "north", "172.22.0.3", 22, Verdict.Rejected, "r15")]
    [TestCase("172.23.0.3", "east", "172.22.0.3", 22, Verdict.Rejected, "r15")]
    [TestCase("172.21.0.3", "north", "172.22.0.3", 443, Verdict.Broken, "r12")]
    [TestCase("172.21.0.3", "north", "172.23.0.3", 443, Verdict.Broken, "r12")]
    [TestCase("172.22.0.3", "south", "172.21.0.3", 443, Verdict.Broken, "r12")]
    [TestCase("172.23.0.3", "east", "172.22.0.3", 443, Verdict.Broken, "r12")]
    public void AConnectOnlyProbeFailsWhenItsAckIsRejected(string client, string zone, string server, int port, Verdict observed, string comment)
    {
        var (kernel, oracle) = CapturedLab("ack-rejected", "172.21.0.2/16", "172.22.0.2/16", "172.23.0.2/16");
        var connection = new ProbedConnection(IPAddress.Parse(client), zone, IPAddress.Parse(server), port, Exchange: false);

        var predicted = oracle.Predict(connection);
        var decided = kernel.Attribute(connection, out var why);
        Assert.That(decided, Is.Not.Null, why);
        Assert.That((predicted.Verdict, predicted.Step, predicted.Rule?.Comment, predicted.RuleAction), Is.EqualTo(((Verdict?)observed, HandshakeStep.Ack, comment, (PacketVerdict?)PacketVerdict.Reject)), predicted.Detail);
        Assert.That((decided!.Verdict, decided.Step, decided.Rule?.Comment), Is.EqualTo((PacketVerdict.Reject, HandshakeStep.Ack, comment)), decided.Detail);
    }

    /// <summary>
    /// A case the differential test's lab captured (matrix/NAME.*): the kernel's attribution of its
    /// trace and the oracle on its JSON, routed like the lab's firewall (its address and prefix in
    /// north, south and east; the clients' ephemeral ports 40000-40999).
    /// </summary>
    private static (KernelAttribution Kernel, MatrixOracle Oracle) CapturedLab(string name, string north, string south, string east)
    {
        var json = File.ReadAllText(Path.Combine(Folder, name + ".json"));
        var routing = new StaticRouting();
        foreach (var (zone, address) in new[] { ("north", north), ("south", south), ("east", east) })
        {
            var slash = address.IndexOf('/');
            routing.WithInterface(zone, IPAddress.Parse(address[..slash]), int.Parse(address[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        }

        return (new KernelAttribution(File.ReadAllLines(Path.Combine(Folder, name + ".trace")), json),
            new MatrixOracle(routing, json, options: new MatrixOracleOptions { EphemeralLow = 40000, EphemeralHigh = 40999 }));
    }

    /// <summary>The SYN-ACK answering the connection's SYN: its destination port is the SYN's source port.</summary>
    private static bool IsReplyTo(KernelAttribution kernel, TracedPacket packet, ProbedConnection connection) =>
        kernel.FirewallPackets.Any(syn => syn.Sequence < packet.Sequence && syn.Header.Flags == TcpFlags.Syn
            && connection.Source.Equals(syn.Header.Source) && connection.Destination.Equals(syn.Header.Destination)
            && syn.Header.DestinationPort == connection.Port && syn.Header.SourcePort == packet.Header.DestinationPort);

    [TestCase("iif \"dmz\" oif \"internet\" ip saddr 10.99.2.10 ip daddr 10.99.1.10 ip protocol 6 ip length 60 tcp sport 80 tcp dport 44754 tcp flags == 0x12 tcp window 65160", "10.99.2.10", 80, 44754, TcpFlags.Syn | TcpFlags.Ack)]
    [TestCase("iif \"south\" ip saddr 172.19.0.3 ip daddr 172.18.0.2 ip protocol tcp ip length 60 tcp sport 40478 tcp dport 8080 tcp flags == syn tcp window 64240", "172.19.0.3", 40478, 8080, TcpFlags.Syn)]
    [TestCase("iif \"a\" ip saddr 10.0.0.1 ip daddr 10.0.0.2 tcp sport 1 tcp dport 2 tcp flags == (fin | ack)", "10.0.0.1", 1, 2, TcpFlags.Fin | TcpFlags.Ack)]
    public void ReadsPacketHeaders(string text, string source, int sourcePort, int destinationPort, TcpFlags flags)
    {
        var header = TraceLog.ParseHeader(text);
        Assert.That((header.Source, header.Protocol, header.SourcePort, header.DestinationPort, header.Flags),
            Is.EqualTo((IPAddress.Parse(source), (int?)6, (int?)sourcePort, (int?)destinationPort, (TcpFlags?)flags)));
    }

    [Test]
    public void AReusedTraceIdStartsANewPacketAtTheTraceTable()
    {
        var packets = TraceLog.Parse(File.ReadAllLines(Path.Combine(Folder, "trace-lab.trace")));
        var reused = packets.Where(p => p.Id == "7d1f8817").ToList();
        Assert.That(reused.Select(p => p.Header.Flags), Is.EqualTo(new TcpFlags?[] { TcpFlags.Syn, TcpFlags.Fin | TcpFlags.Ack }));
    }

    [Test]
    public void AnUnfinishedLastLineIsSkipped()
    {
        var packets = TraceLog.Parse(["trace id 1 inet ctt_trace prerouting packet: iif \"a\" ip saddr 10.0.0.1 ip daddr 10.0.0.2 ip protocol tcp tcp sport 1 tcp dport 2 tcp flags == syn", "trace id 1 inet lab forward rule accept # hand"]);
        Assert.That(packets.Single().Passes.Single().Events, Is.Empty);
    }
}
