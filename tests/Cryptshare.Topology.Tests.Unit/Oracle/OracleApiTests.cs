using System.Collections.Concurrent;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Oracle;

namespace Cryptshare.Topology.Tests.Unit.Oracle;

/// <summary>What the oracle's callers rely on besides single verdicts: input checks, routing, trail, the list of unmodelled rules, thread safety.</summary>
[TestFixture]
[Category("Oracle")]
public sealed class OracleApiTests
{
    [TestCase("tcp 10.77.1.10:40000 -> 10.77.2.10:443 iif internet oif dmz")]
    [TestCase("udp [2001:db8::1]:5353 -> [2001:db8:2::10]:53 iif intranet oif dmz ct established")]
    [TestCase("icmp 10.77.3.5 -> 10.77.2.10 iif intranet oif dmz icmp-type 3 icmp-code 1")]
    [TestCase("tcp 10.77.4.5:40000 -> 10.77.4.254:22 iif admin path input flags syn,ack")]
    [TestCase("icmpv6 2001:db8::1 -> 2001:db8::2 oif dmz path output")]
    [TestCase("tcp 192.168.192.3:22 -> 192.168.160.3:40000 iif east oif north ct established nat snat arrives-to 192.168.192.2 flags syn,ack")]
    public void PacketNotationRoundTrips(string text) =>
        Assert.That(PacketNotation.Format(PacketNotation.Parse(text)), Is.EqualTo(text));

    [TestCase("tcp 10.77.1.10:40000 10.77.2.10:443", "expected")]
    [TestCase("sctp 10.0.0.1:1 -> 10.0.0.2:2", "unknown protocol")]
    [TestCase("tcp 10.0.0.1:1 -> 2001:db8::2", "different address families")]
    [TestCase("tcp 10.0.0.1:1 -> 10.0.0.2:2 ct sleepy", "is not one of")]
    [TestCase("tcp 10.0.0.1:1 -> 10.0.0.2:2 iif", "needs a value")]
    [TestCase("tcp 10.0.0.1:1 -> 10.0.0.2:2 arrives-to firewall", "is not an address")]
    public void PacketNotationNamesWhatItCannotRead(string text, string message) =>
        Assert.That(() => PacketNotation.Parse(text), Throws.InstanceOf<FormatException>().With.Message.Contains(message));

    [TestCase("not json")]
    [TestCase("{\"rules\": []}")]
    public void RefusesWhatNftDidNotPrint(string json) =>
        Assert.That(() => NftOracle.FromJson(json), Throws.InstanceOf<FormatException>().With.Message.Contains("nft -j list ruleset"));

    [Test]
    public void AnEmptyRuleSetAcceptsWithNoDecidingRule()
    {
        var result = NftOracle.FromJson("{\"nftables\": [{\"metainfo\": {\"version\": \"1.0.6\"}}]}").Evaluate(Packet.Tcp("10.0.0.1", "10.0.0.2", 443, "a", "b"));
        Assert.That((result.Verdict, result.DecidingRule), Is.EqualTo((PacketVerdict.Accept, (RuleReference?)null)));
    }

    [Test]
    public void ADnatToAnotherAddressNeedsRouting()
    {
        var oracle = NftOracle.FromJson(OracleSamples.Json("04-nat"));
        var result = oracle.Evaluate(PacketNotation.Parse("tcp 198.51.100.7:40000 -> 10.77.1.254:443 iif internet path input"));
        Assert.Multiple(() =>
        {
            Assert.That(result.Verdict, Is.EqualTo(PacketVerdict.Unknown));
            Assert.That(result.Reason, Does.Contain("routing"));
            Assert.That(result.DecidingRule?.Comment, Is.EqualTo("publish ui"));
            Assert.That(result.DestinationTranslation?.Address?.ToString(), Is.EqualTo("10.77.2.10"));
        });
    }

    [Test]
    public void APortOnlyDnatNeedsNoRouting()
    {
        var oracle = NftOracle.FromJson(OracleSamples.Json("04-nat"));
        var result = oracle.Evaluate(PacketNotation.Parse("tcp 10.77.3.5:40000 -> 203.0.113.9:3128 iif intranet oif internet"));
        Assert.That((result.Verdict, result.Path, result.DecidingRule?.Comment), Is.EqualTo((PacketVerdict.Accept, HookPath.Input, "proxy port")));
    }

    [Test]
    public void TheTrailListsEveryBaseChainInKernelOrder()
    {
        var result = OracleSamples.Oracle("05-families").Evaluate(PacketNotation.Parse("icmpv6 2001:db8:3::5 -> 2001:db8:2::10 iif intranet oif dmz"), recordTrail: true);
        var trail = result.Trail.Select(s => $"{s.Hook} {s.Chain.Family} {s.Chain.Table} {s.Chain.Chain} {s.Verdict} {(s.Rule!.IsPolicy ? "policy" : s.Rule.Comment)}");
        Assert.That(trail, Is.EqualTo(new[]
        {
            "prerouting inet ctt_trace prerouting Accept policy",
            "forward ip6 v6only forward Accept icmpv6",
            "forward inet mixed forward Accept v6 ping",
        }));
    }

    [Test]
    public void ListsTheRulesItDoesNotModel()
    {
        var reasons = OracleSamples.Oracle("06-unknown").Unmodelled.Select(u => $"{u.Rule.Comment}: {u.Reason}").ToList();
        // Marks and fib types are modelled (a fib type is known where the oracle has the routing).
        Assert.That(reasons, Is.EquivalentTo(new[]
        {
            "ssh rate limited: not modelled: 'limit rate 10/minute'",
            "dscp: not modelled: 'ip dscp' (in 'ip dscp cs1')",
        }));
    }

    [TestCase("10.77.2.254", "local")]
    [TestCase("10.77.2.255", "broadcast")]
    [TestCase("10.77.2.10", "unicast")]
    [TestCase("198.51.100.7", "unicast")]
    [TestCase("10.77.2.0", null)]
    [TestCase("2001:db8::1", null)]
    public void TheRouteTypeOfAnAddressIsWhatTheFirewallsLocalTableSays(string address, string? type)
    {
        var routing = new StaticRouting().WithInterface("dmz", System.Net.IPAddress.Parse("10.77.2.254"), 24);
        Assert.That(((IPacketRouting)routing).AddressType(System.Net.IPAddress.Parse(address)), Is.EqualTo(type));
    }

    [Test]
    public void WhatManagersGenerateIsModelledExceptTheUntranslatedPlaceholder()
    {
        // Rate-limited logs, the MSS clamp, marks, fib types and flag tests of 13-managers compile;
        // only the placeholder for an iptables rule that was not translated stays unknown.
        var reasons = OracleSamples.Oracle("13-managers").Unmodelled.Select(u => u.Rule.Comment).ToList();
        Assert.That(reasons, Is.EqualTo(new[] { "ctt: iptables rule not translated" }));
    }

    [Test]
    public void DecidingRuleNamesTableChainHandleCommentAndText()
    {
        var rule = OracleSamples.Oracle("01-basics").Evaluate(PacketNotation.Parse("tcp 10.77.4.5:40000 -> 10.77.2.10:8085 iif admin oif dmz")).DecidingRule!;
        Assert.That(rule, Is.EqualTo(new RuleReference("inet", "filter", "forward", 8, "admin ui range",
            "iifname \"admin\" ip saddr 10.77.4.0/24 ip daddr 10.77.2.10 tcp dport 8080-8090 log prefix \"admin \" accept")));
    }

    [Test]
    public void EvaluatesFromManyThreadsAtOnce()
    {
        var json = File.ReadAllText(Path.Combine(RepositoryLayout.Root, "bench", "Cryptshare.Topology.Bench", "data", "zoned-500.json"));
        var oracle = NftOracle.FromJson(json);
        var flows = Enumerable.Range(0, 4000).Select(i => Packet.Udp($"10.{i % 64}.{i % 251}.{1 + i % 250}", $"10.{(i * 7) % 64}.{i % 13}.{1 + i % 200}", 1 + i % 5000, $"zone{i % 4}", $"zone{(i + 1) % 4}")).ToArray();
        var sequential = flows.Select(f => oracle.Evaluate(f).ToString()).ToArray();
        var parallel = new ConcurrentDictionary<int, string>();
        Parallel.For(0, flows.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => parallel[i] = oracle.Evaluate(flows[i]).ToString());
        Assert.That(Enumerable.Range(0, flows.Length).Select(i => parallel[i]), Is.EqualTo(sequential));
    }
}
