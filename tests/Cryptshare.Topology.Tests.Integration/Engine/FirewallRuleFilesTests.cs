using Cryptshare.Topology.Model;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Fixtures.Firewall;
using Cryptshare.Topology.Input;
using Cryptshare.Topology.RuleSets;

namespace Cryptshare.Topology.Tests.Integration.Engine;

/// <summary>
/// The firewall's nft reads rule files in its jail, for the live load and for run's pre-flight: a
/// rule set's includes beside it load, and an include of any other file finds nothing, even when it
/// reaches nft without the loader's check, so no line of it can appear in a message.
/// </summary>
[TestFixture]
[Category("Engine")]
public sealed class FirewallRuleFilesTests
{
    private static readonly FlowCatalog Catalog = FlowCatalog.Load(Path.Combine(RepositoryLayout.Fixtures, "flows", "catalog.yml"));

    private const string WithShadow = "table inet t {\n\tchain c {\n\t}\n}\ninclude \"/etc/shadow\"\ninclude \"../../../etc/passwd\"\n";

    private DirectoryInfo _folder = null!;

    [SetUp]
    public void WriteRuleFiles()
    {
        _folder = Directory.CreateTempSubdirectory("ctt-jail-");
        Directory.CreateDirectory(Path.Combine(_folder.FullName, "conf.d"));
        File.WriteAllText(Path.Combine(_folder.FullName, "main.nft"), "table inet filter {\n\tinclude \"forward.nft\"\n}\ninclude \"conf.d/*.nft\"\n");
        File.WriteAllText(Path.Combine(_folder.FullName, "forward.nft"), "chain forward {\n\ttype filter hook forward priority 0; policy drop;\n\ttcp dport 443 accept comment \"from the included file\"\n}\n");
        File.WriteAllText(Path.Combine(_folder.FullName, "conf.d", "nat.nft"), "table ip nat {\n\tchain prerouting {\n\t\ttype nat hook prerouting priority -100;\n\t}\n}\n");
    }

    [TearDown]
    public void RemoveRuleFiles() => _folder.Delete(recursive: true);

    [Test]
    public async Task TheLiveFirewallLoadsARuleSetWithItsIncludesAndReadsNoOtherFile()
    {
        await using var firewall = new FirewallBuilder(await HostImages.GetAsync(FirewallBuilder.Kind)).Build();
        await firewall.StartAsync();

        await firewall.LoadRuleSetAsync(RuleSetLoader.Load(Path.Combine(_folder.FullName, "main.nft"), Catalog));
        var live = await firewall.ListRuleSetAsync();
        Assert.That(live, Does.Contain("from the included file").And.Contain("table ip nat"));

        var error = Assert.ThrowsAsync<RuleSetRejectedException>(() => firewall.LoadRuleSetAsync(WithShadow, "/srv/customer/shadow.nft"));
        Assert.That(error!.Message, Does.Contain("/srv/customer/shadow.nft:5:"));
        Assert.That(error.Message, Does.Not.Contain("root:").And.Not.Contain("daemon:").And.Not.Contain("/rules/"));
        Assert.That(await firewall.ListRuleSetAsync(), Does.Contain("from the included file"), "the rejected rule set changed nothing");
    }

    [Test]
    public async Task ASwapLoadsRestartsTheTraceAndListsTheRulesInOneCallAndARefusedOneChangesNothing()
    {
        await using var firewall = new FirewallBuilder(await HostImages.GetAsync(FirewallBuilder.Kind)).Build();
        await firewall.StartAsync();

        var ruleSet = RuleSetLoader.Load(Path.Combine(_folder.FullName, "main.nft"), Catalog);
        await firewall.SwapAsync(ruleSet);
        await KnockAsync(firewall, 7);
        await TracedAsync(firewall, "dport 7");
        var listed = await firewall.SwapAsync(ruleSet);
        Assert.That(listed, Does.StartWith("{\"nftables\"").And.Contain("from the included file").And.Contain("ctt_trace"), "the rules in force as nft's JSON, the trace table among them");
        Assert.That(firewall.TakeSwapListing(), Is.EqualTo(listed), "kept for the oracle's read");
        Assert.That(firewall.TakeSwapListing(), Is.Null, "once: a second read lists again");
        await KnockAsync(firewall, 9);
        var trace = await TracedAsync(firewall, "dport 9");
        Assert.That(trace, Has.None.Contains("dport 7 "), "the trace restarted with the new rules: the earlier packet is gone");

        var shadow = Path.Combine(_folder.FullName, "shadow.nft");
        await File.WriteAllTextAsync(shadow, "table inet t {\n\tchain c {\n\t\tbogus\n\t}\n}\n");
        var error = Assert.ThrowsAsync<RuleSetRejectedException>(() => firewall.SwapAsync(RuleSetLoader.Load(shadow, Catalog)));
        Assert.That(error!.Message, Does.Contain($"{shadow}:3:"), "the refusal names the customer's file and line");
        Assert.That(error.Message, Does.Not.Contain("/rules/"));
        Assert.That(firewall.TakeSwapListing(), Is.Null, "no listing from a refused swap");
        Assert.That(await firewall.ListRuleSetAsync(), Does.Contain("from the included file"), "the refused rule set changed nothing");
    }

    /// <summary>A SYN to a closed port on the firewall's loopback: traced in its output hook, answered by a reset.</summary>
    private static async Task KnockAsync(FirewallContainer firewall, int port) =>
        await firewall.ExecAsync(["bash", "-c", $"exec 3<>/dev/tcp/127.0.0.1/{port} || true"]);

    /// <summary>The trace once it shows <paramref name="seen"/>: the monitor writes each event as it comes, so the test waits on the line, not on time.</summary>
    private static async Task<IReadOnlyList<string>> TracedAsync(FirewallContainer firewall, string seen)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            var trace = await firewall.ReadTraceAsync(deadline.Token);
            if (trace.Any(line => line.Contains(seen + " ", StringComparison.Ordinal)))
            {
                return trace;
            }

            await Task.Yield();
        }
    }

    [Test]
    public async Task RunsPreflightChecksARuleSetWithItsIncludesAndReadsNoOtherFile()
    {
        await using var preflight = await RuleSetPreflight.StartAsync();
        await preflight.CheckAsync(RuleSetLoader.Load(Path.Combine(_folder.FullName, "main.nft"), Catalog));

        var error = Assert.ThrowsAsync<InputException>(() => preflight.CheckAsync(WithShadow, "/srv/customer/shadow.nft"));
        Assert.That(error!.Message, Does.StartWith("/srv/customer/shadow.nft:5: nft rejects the rule set"));
        Assert.That(error.Message, Does.Not.Contain("root:").And.Not.Contain("daemon:"));
    }
}
