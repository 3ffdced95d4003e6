using System.Net;
using Cryptshare.Topology.Fixtures.CryptshareServer;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.RuleSets;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Networks;

namespace Cryptshare.Topology.Tests.Integration.CryptshareServer;

/// <summary>
/// The software firewall on the server itself: rules given to the builder are in force before the
/// services start, a later load replaces them atomically, rules nft cannot parse change nothing,
/// and Docker's own rules in the server's network namespace survive every load of statements. A
/// customer's whole ruleset or iptables-save file owns the namespace and decides every packet,
/// loopback included, while the harness's readiness check stays out of its reach.
/// </summary>
[TestFixture]
[Category("Hosts")]
public sealed class HostFirewallTests
{
    /// <summary>A dropped SYN gets no answer at all; this long without one counts as "times out".</summary>
    private static readonly TimeSpan DropTimeout = TimeSpan.FromSeconds(3);

    private INetwork _network = null!;
    private CryptshareServerContainer _server = null!;

    [OneTimeSetUp]
    public async Task StartServerWithHostFirewall()
    {
        // A user-defined network, so that Docker installs its embedded-DNS rules in the server's namespace.
        _network = new NetworkBuilder()
            .WithName($"ctt-{Guid.NewGuid():N}")
            .WithLabel(HarnessLabels.Owner, "true")
            .WithLabel(HarnessLabels.Run, HarnessLabels.CurrentRun)
            .Build();
        await _network.CreateAsync();
        _server = new CryptshareServerBuilder(await HostImages.GetAsync(CryptshareServerBuilder.Kind))
            .WithNetwork(_network)
            .WithHostFirewall("tcp dport 9090 drop comment \"admin over HTTP closed\"")
            .Build();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await _server.StartAsync();
        TestContext.Progress.WriteLine($"cryptshare-server (host-firewall fixture): started and ready in {clock.Elapsed.TotalSeconds:F2} s (cached image)");
    }

    [OneTimeTearDown]
    public async Task StopServer()
    {
        await _server.DisposeAsync();
        await _network.DisposeAsync();
    }

    [Test]
    [Order(1)]
    public async Task RulesFromTheBuilderDropAdminHttpWhileAdminHttpsAnswers()
    {
        Assert.That(await AnswersAsync(CryptshareServerListener.AdminHttps), Is.True, "8080 answers");
        Assert.That(await AnswersAsync(CryptshareServerListener.AdminHttp), Is.False, "9090 times out");
    }

    [Test]
    [Order(2)]
    public async Task LoadingNewRulesReplacesTheOldOnes()
    {
        await _server.LoadHostFirewallAsync("tcp dport 8080 drop");
        var adminHttp = await AnswersAsync(CryptshareServerListener.AdminHttp);
        var adminHttps = await AnswersAsync(CryptshareServerListener.AdminHttps);
        Assert.Multiple(() =>
        {
            Assert.That(adminHttp, Is.True, "9090 answers again");
            Assert.That(adminHttps, Is.False, "8080 times out now");
        });
    }

    [Test]
    [Order(3)]
    public async Task DefaultDenyWithOneOpenPort()
    {
        await _server.LoadHostFirewallAsync("policy drop;\ntcp dport 443 accept");
        var uiHttps = await AnswersAsync(CryptshareServerListener.UiHttps);
        var uiHttp = await AnswersAsync(CryptshareServerListener.UiHttp);
        Assert.Multiple(() =>
        {
            Assert.That(uiHttps, Is.True, "443 is let through");
            Assert.That(uiHttp, Is.False, "80 falls to the drop policy");
        });
    }

    [Test]
    [Order(4)]
    public async Task RulesThatDoNotParseChangeNothing()
    {
        await _server.LoadHostFirewallAsync("tcp dport 8080 drop");
        var failure = Assert.ThrowsAsync<HostFirewallRejectedException>(() =>
            _server.LoadHostFirewallAsync("tcp dport 9090 drop\ntcp dportx 22 drop", "customer-host.rules"));
        Assert.That(failure!.Message, Does.Contain("customer-host.rules:2:"), "nft names the caller's file and line");
        var live = await _server.ListHostFirewallJsonAsync();
        Assert.Multiple(() =>
        {
            Assert.That(live, Does.Contain("8080"), "the previous rules stay");
            Assert.That(live, Does.Not.Contain("9090"), "nothing of the rejected rules got in");
        });
    }

    [Test]
    [Order(5)]
    public async Task DockersOwnRulesSurviveEveryLoad()
    {
        var before = await _server.ListRuleSetAsync();
        Assume.That(before, Does.Contain("DOCKER_OUTPUT"), "Docker's embedded-DNS rules are visible to nft here");
        await _server.LoadHostFirewallAsync("tcp dport 9090 drop");
        await _server.RemoveHostFirewallAsync();
        var after = await _server.ListRuleSetAsync();
        Assert.Multiple(() =>
        {
            Assert.That(after, Does.Contain("DOCKER_OUTPUT"));
            Assert.That(after, Does.Not.Contain("table inet " + CryptshareServerContainer.HostFirewallTable), "removed");
        });
    }

    [Test]
    [Order(6)]
    public async Task AWholeRulesetDecidesEverythingButTheHarnesssReadiness()
    {
        // A customer's server: input and output policy drop, no loopback rule at all.
        const string ruleset = "table inet customer {\n\tchain input {\n\t\ttype filter hook input priority filter; policy drop;\n\t\ttcp dport 443 accept\n\t}\n"
            + "\tchain output {\n\t\ttype filter hook output priority filter; policy drop;\n\t\tct state established accept\n\t}\n}\n";
        await _server.LoadHostFirewallAsync(ruleset, HostFirewallFormat.NftRuleset, "server.host.nft");
        var uiHttps = await AnswersAsync(CryptshareServerListener.UiHttps);
        var uiHttp = await AnswersAsync(CryptshareServerListener.UiHttp);
        var loopback = await _server.ExecAsync(["curl", "-fsS", "-o", "/dev/null", "--max-time", "2", "http://127.0.0.1:80/health"]);
        var ready = await _server.ExecAsync(["ctt-ready"]);
        var listed = await _server.ListHostFirewallJsonAsync();
        Assert.Multiple(() =>
        {
            Assert.That(uiHttps, Is.True, "443 is let through by the customer's input chain");
            Assert.That(uiHttp, Is.False, "80 falls to the customer's drop policy");
            Assert.That(loopback.ExitCode, Is.Not.EqualTo(0), "loopback is the customer's to decide: its output policy drops it");
            Assert.That(ready.ExitCode, Is.EqualTo(0), $"the readiness check does not go through the customer's rules: {ready.Stdout}{ready.Stderr}");
            Assert.That(listed, Does.Contain("\"customer\"").And.Not.Contain(CryptshareServerContainer.HostFirewallTable), "the oracle reads the customer's tables, none of the harness's wrapper");
        });

        await _server.RemoveHostFirewallAsync();
        Assert.That(await AnswersAsync(CryptshareServerListener.UiHttp), Is.True, "removed: 80 answers again");
    }

    [Test]
    [Order(7)]
    public async Task AnIptablesSaveFileIsLoadedByIptablesRestore()
    {
        await _server.LoadHostFirewallAsync("*filter\n:INPUT DROP [0:0]\n-A INPUT -i lo -j ACCEPT\n-A INPUT -p tcp -m multiport --dports 443,8080 -j ACCEPT\nCOMMIT\n",
            HostFirewallFormat.IptablesSave, "server.host.rules");
        var uiHttps = await AnswersAsync(CryptshareServerListener.UiHttps);
        var uiHttp = await AnswersAsync(CryptshareServerListener.UiHttp);
        var listed = await _server.ListRuleSetAsync();
        Assert.Multiple(() =>
        {
            Assert.That(uiHttps, Is.True, "443 accepted by the -A INPUT rule");
            Assert.That(uiHttp, Is.False, "80 falls to INPUT's policy DROP");
            Assert.That(listed, Does.Contain("table ip filter").And.Contain("chain INPUT"), "iptables-restore put nftables rules into the kernel");
        });

        var refused = Assert.ThrowsAsync<HostFirewallRejectedException>(() =>
            _server.LoadHostFirewallAsync("*filter\n:INPUT DROP [0:0]\n-A INPUT -p tcp --dport 22 -j ACEPT\nCOMMIT\n", HostFirewallFormat.IptablesSave, "server.host.rules"));
        Assert.That(refused!.Message, Does.Contain("server.host.rules"));
        await _server.RemoveHostFirewallAsync();
        Assert.That(await AnswersAsync(CryptshareServerListener.UiHttp), Is.True, "removed: 80 answers again");
    }

    [Test]
    public async Task BuilderRulesThatDoNotParseStopTheServerWithNftsMessage()
    {
        await using var broken = new CryptshareServerBuilder(await HostImages.GetAsync(CryptshareServerBuilder.Kind))
            .WithHostFirewall("tcp dportx 9090 drop")
            .Build();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var failure = Assert.ThrowsAsync<HostFirewallRejectedException>(() => broken.StartAsync());
        Assert.Multiple(() =>
        {
            Assert.That(failure!.Message, Does.Contain("host firewall rules:1:5-10: Error: syntax error"));
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), "reported at once, not after the readiness timeout");
        });
    }

    /// <summary>True when the listener answers HTTP; false when nothing comes back before <see cref="DropTimeout"/>.</summary>
    private async Task<bool> AnswersAsync(CryptshareServerListener listener)
    {
        using var client = ServerClients.For(_server, listener, timeout: DropTimeout);
        try
        {
            using var response = await client.GetAsync(CryptshareWeb.HealthPath);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (TaskCanceledException e) when (e.InnerException is TimeoutException)
        {
            return false;
        }
    }
}
