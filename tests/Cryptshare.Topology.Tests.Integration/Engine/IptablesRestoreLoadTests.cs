using System.Text.Json;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Fixtures.Firewall;
using Cryptshare.Topology.RuleSets;

namespace Cryptshare.Topology.Tests.Integration.Engine;

/// <summary>
/// The live firewall loads an iptables-save file with the real iptables-restore (nf_tables
/// backend), as the customer's box does: Shorewall's export (fixtures/rulesets/12-shorewall-perimeter.rules)
/// goes in with no rule dropped, its <c>reject</c> and <c>dynamic</c> chains and its rate-limited LOG
/// rules intact, beside the harness's trace table; a file iptables-restore refuses leaves the
/// firewall closed and names the file.
/// </summary>
[TestFixture]
[Category("Engine")]
public sealed class IptablesRestoreLoadTests
{
    private static readonly string Shorewall = Path.Combine(RepositoryLayout.Fixtures, "rulesets", "12-shorewall-perimeter.rules");

    [Test]
    public async Task ShorewallsExportLoadsWithEveryRuleOfEveryChain()
    {
        var saved = await File.ReadAllTextAsync(Shorewall);
        await using var firewall = new FirewallBuilder(await HostImages.GetAsync(FirewallBuilder.Kind)).Build();
        await firewall.StartAsync();

        await firewall.LoadIptablesAsync(saved, Shorewall);
        var kernel = CountRules(await firewall.ListRuleSetJsonAsync());

        var file = RuleLines.OfIptablesRestore(saved).Chains.ToDictionary(c => c.Chain, c => c.Lines.Count);

        var json = await firewall.ListRuleSetJsonAsync();
        Assert.That(Chains(json), Is.SupersetOf(new[] { "filter reject", "filter dynamic" }), "Shorewall's own chains, whose names are nft keywords, are in the kernel");
        Assert.That(file.GetValueOrDefault(("ip", "filter", "reject")), Is.GreaterThan(0), "the reject chain has rules of its own");
        Assert.That(file.Values.Sum(), Is.GreaterThan(100), "the file's -A lines were read");
        Assert.Multiple(() =>
        {
            foreach (var (chain, count) in file)
            {
                Assert.That(kernel.GetValueOrDefault(chain), Is.EqualTo(count), $"rules of {chain.Family} {chain.Table} {chain.Chain} in the kernel");
            }
        });
        var logLines = saved.Split('\n').Count(l => l.StartsWith("-A ", StringComparison.Ordinal) && l.Contains(" -j LOG", StringComparison.Ordinal));
        var live = await firewall.ListRuleSetAsync();
        Assert.That(logLines, Is.GreaterThan(0));
        Assert.That(live.Split('\n').Count(l => l.Contains(" log ", StringComparison.Ordinal) || l.TrimEnd().EndsWith(" log", StringComparison.Ordinal) || l.Contains("xt target \"LOG\"", StringComparison.Ordinal)),
            Is.EqualTo(logLines), "every LOG rule in the kernel");
        Assert.That(live, Does.Contain("table inet ctt_trace"), "the trace table stands beside the customer's tables");
    }

    [Test]
    public async Task AFileIptablesRestoreRefusesLeavesTheFirewallClosed()
    {
        await using var firewall = new FirewallBuilder(await HostImages.GetAsync(FirewallBuilder.Kind)).Build();
        await firewall.StartAsync();

        var error = Assert.ThrowsAsync<RuleSetRejectedException>(() =>
            firewall.LoadIptablesAsync("*filter\n:FORWARD ACCEPT [0:0]\n-A FORWARD -p tcp --dport 443 -j ACEPT\nCOMMIT\n", "/srv/customer/bad.rules"));
        Assert.That(error!.Message, Does.Contain("/srv/customer/bad.rules").And.Not.Contain("/run/ctt/"));
        Assert.That(await firewall.ListRuleSetAsync(), Does.Contain("table inet ctt_guard").And.Contain("policy drop"), "nothing is forwarded");
    }

    /// <summary>The chains of nft's JSON listing, as "table chain".</summary>
    private static List<string> Chains(string nftJson)
    {
        using var document = JsonDocument.Parse(nftJson);
        return document.RootElement.GetProperty("nftables").EnumerateArray()
            .Where(i => i.TryGetProperty("chain", out _))
            .Select(i => $"{i.GetProperty("chain").GetProperty("table").GetString()} {i.GetProperty("chain").GetProperty("name").GetString()}")
            .ToList();
    }

    /// <summary>Rules per chain in nft's JSON listing.</summary>
    private static Dictionary<(string Family, string Table, string Chain), int> CountRules(string nftJson)
    {
        using var document = JsonDocument.Parse(nftJson);
        return document.RootElement.GetProperty("nftables").EnumerateArray()
            .Where(i => i.TryGetProperty("rule", out _))
            .Select(i => i.GetProperty("rule"))
            .GroupBy(r => (r.GetProperty("family").GetString()!, r.GetProperty("table").GetString()!, r.GetProperty("chain").GetString()!))
            .ToDictionary(g => g.Key, g => g.Count());
    }
}
