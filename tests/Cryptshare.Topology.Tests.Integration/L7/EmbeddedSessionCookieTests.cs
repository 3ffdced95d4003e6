using System.Diagnostics;
using System.Text.Json;
using Cryptshare.Topology.Fixtures.CryptshareServer;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Fixtures.ReverseProxy;
using Cryptshare.Topology.Reports;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Networks;

namespace Cryptshare.Topology.Tests.Integration.L7;

/// <summary>
/// The cookies flow in a real browser. The embedding, as customers do it: the customer's intranet
/// portal, https://portal.customer.example/, shows Cryptshare in an iframe loaded from another host
/// name of the same domain, https://cryptshare.customer.example/ (over HTTP: both http://). The
/// customer's web server (the reverse proxy) serves the portal page and forwards the app's host name
/// to the Cryptshare Server, which permits embedding (its cookies are SameSite=None, as the vendor's
/// setting for embedding needs). Headless Chromium (Debian's) opens the portal once over HTTPS and
/// once over plain HTTP and reports whether the frame's session cookie, cs-ui-session, was stored
/// and sent back. The vendor's page: it works over HTTPS and fails over plain HTTP; the report says
/// why in the user's terms. Two proxy profiles show the other ways a session is lost.
/// </summary>
[TestFixture]
[Category("L7")]
[NonParallelizable] // one headless Chromium at a time on a 2-core machine shared with the other fixtures' containers
public sealed class EmbeddedSessionCookieTests
{
    private const string PortalHost = "portal.customer.example";
    private const string AppHost = "cryptshare.customer.example";

    private INetwork? _network;
    private CryptshareServerContainer? _server;
    private ReverseProxyContainer? _proxy;
    private string _chromium = string.Empty;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _chromium = Reports.HeadlessChromium.Require();
        var serverImage = HostImages.GetAsync(CryptshareServerBuilder.Kind);
        var proxyImage = HostImages.GetAsync(ReverseProxyBuilder.Kind);
        _network = new NetworkBuilder()
            .WithName($"ctt-{Guid.NewGuid():N}")
            .WithLabel(HarnessLabels.Owner, "true")
            .WithLabel(HarnessLabels.Run, HarnessLabels.CurrentRun)
            .Build();
        await _network.CreateAsync();
        _server = new CryptshareServerBuilder(await serverImage)
            .WithNetwork(_network)
            .WithNetworkAliases("cryptshare")
            .WithHostname("cryptshare")
            .WithEmbeddingPermitted()
            .Build();
        _proxy = new ReverseProxyBuilder(await proxyImage)
            .WithNetwork(_network)
            .WithHostname("www")
            .WithUpstream("cryptshare")
            .WithPortal(PortalHost, AppHost)
            .Build();
        var clock = Stopwatch.StartNew();
        await _server.StartAsync();
        var serverUp = clock.Elapsed;
        // After the server: nginx resolves the upstream's name (Docker's DNS) when it loads its configuration.
        await _proxy.StartAsync();
        L7Output.Line($"cookies: server ready in {serverUp.TotalSeconds:F2} s, reverse proxy (portal) ready {(clock.Elapsed - serverUp).TotalSeconds:F2} s later (cached images)");
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_proxy is not null)
        {
            await _proxy.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (_network is not null)
        {
            await _network.DeleteAsync();
            await _network.DisposeAsync();
        }
    }

    [Test]
    public async Task OverHttpsTheEmbeddedAppKeepsItsSession()
    {
        var report = await VisitAsync(https: true, "portal over HTTPS embeds the app over HTTPS");

        Assert.That(report.Verdict, Is.EqualTo("allowed"), report.Explanation);
        Assert.That(report.Stored, Is.True);
        Assert.That(report.Attributes, Does.Contain("secure").IgnoreCase.And.Contain("samesite=none").IgnoreCase);
        Assert.That(report.Change, Is.Null);
    }

    [Test]
    public async Task OverPlainHttpTheEmbeddedAppLosesItsSessionAndTheReportSaysWhy()
    {
        var report = await VisitAsync(https: false, "portal over plain HTTP embeds the app over plain HTTP");

        Assert.That(report.Verdict, Is.EqualTo("broken"));
        Assert.That(report.Stored, Is.False, "Chrome refuses the cookie outright");
        Assert.That(report.Attributes, Does.Contain("samesite=none").IgnoreCase.And.Not.Contain("secure").IgnoreCase);
        Assert.That(report.BrowserReasons, Does.Contain("SameSiteNoneInsecure"), "Chrome's own reason, from DevTools");
        Assert.That(report.Explanation, Does.Contain("cs-ui-session").And.Contain("SameSite=None").And.Contain("without Secure").And.Contain("only over HTTPS"));
        Assert.That(report.Change, Does.Contain("https://portal.customer.example/").And.Contain("https://cryptshare.customer.example/").And.Contain("redirect plain HTTP"));
    }

    [Test]
    public async Task AProxyThatStripsSetCookieLosesTheSessionEvenOverHttps()
    {
        var report = await WithProfileAsync(ReverseProxyProfiles.StripSetCookie, () => VisitAsync(https: true, "portal over HTTPS; the proxy strips Set-Cookie"));

        Assert.That(report.Verdict, Is.EqualTo("broken"));
        Assert.That(report.Attributes, Is.Null, "no Set-Cookie reached the browser");
        Assert.That(report.Explanation, Does.Contain("never received cs-ui-session"));
        Assert.That(report.Change, Does.Contain("Set-Cookie"));
    }

    [Test]
    public async Task AProxyThatServesHttpInFrontOfHttpsLosesTheSession()
    {
        // https-to-http serves plain HTTP on both ports, so the portal is opened as http:// on the "HTTPS" port.
        var report = await WithProfileAsync(ReverseProxyProfiles.HttpsToHttp, () => VisitAsync(https: false, "portal over plain HTTP; the proxy talks HTTPS to the server", port: _proxy!.GetMappedPort(https: true)));

        Assert.That(report.Verdict, Is.EqualTo("broken"));
        Assert.That(report.Attributes, Does.Contain("secure").IgnoreCase, "the server, reached over HTTPS, marks it Secure");
        Assert.That(report.Stored, Is.False);
        Assert.That(report.Explanation, Does.Contain("cs-ui-session: it is marked Secure").And.Contain("reached the browser over plain HTTP"));
        Assert.That(report.BrowserReasons, Does.Contain("SecureOnly"));
    }

    [Test]
    public async Task AnUnknownProfileChangesNothing()
    {
        Assert.That(async () => await _proxy!.SwitchProfileAsync("strip-everything"),
            Throws.ArgumentException.With.Message.Contains("unknown profile 'strip-everything'"));
        // The container's own guard, past the builder's: it refuses, names the known ones, and keeps serving.
        var refused = await _proxy!.ExecAsync(["ctt-proxy-profile", "strip-everything"]);
        Assert.That(refused.ExitCode, Is.Not.Zero);
        Assert.That(refused.Stderr, Does.Contain("unknown profile 'strip-everything' (known: drop-unknown-headers https-to-http pass-through strip-set-cookie strip-x-cs"));

        var status = await _proxy!.ExecAsync(["curl", "-fsS", $"http://127.0.0.1:{_proxy.HttpPort}{ReverseProxyBuilder.StatusPath}"]);
        Assert.That(status.Stdout, Does.Contain($"profile={ReverseProxyProfiles.PassThrough} "));
        Assert.That(_proxy.Profile, Is.EqualTo(ReverseProxyProfiles.PassThrough));
    }

    private async Task<T> WithProfileAsync<T>(string profile, Func<Task<T>> visit)
    {
        await _proxy!.SwitchProfileAsync(profile);
        try
        {
            return await visit();
        }
        finally
        {
            await _proxy.SwitchProfileAsync(ReverseProxyProfiles.PassThrough);
        }
    }

    private async Task<SessionCookieReport> VisitAsync(bool https, string embedding, int? port = null)
    {
        var scheme = https ? "https" : "http";
        var portal = new Uri($"{scheme}://{PortalHost}:{port ?? _proxy!.GetMappedPort(https)}/");
        var clock = Stopwatch.StartNew();
        var seen = await PortalVisit.RunAsync(_chromium, $"{embedding}: {portal} shows the web app in an iframe from {AppHost}", portal, AppHost,
            CryptshareWeb.UserSessionCookie, _proxy!.Certificate.Certificate.RawData);
        var report = SessionCookieDiagnosis.Explain(seen);
        var json = JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase });
        L7Output.File($"cookies-{TestContext.CurrentContext.Test.MethodName}.json", json);
        L7Output.Line($"cookies ({clock.ElapsedMilliseconds} ms): {report.Embedding}\n  {report.Verdict}: {report.Explanation}" + (report.Change is null ? string.Empty : $"\n  change: {report.Change}"));
        return report;
    }
}
