using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Cryptshare.Topology.Fixtures.CryptshareServer;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Probing;
using Renci.SshNet;

namespace Cryptshare.Topology.Tests.Integration.CryptshareServer;

/// <summary>
/// The server stand-in from the test process, through its mapped ports: every web listener speaks
/// its protocol, the cookies carry the attributes the stand-in documents, the session cookie comes
/// back, HTTPS validates against the harness CA only, and SSH.NET logs into the admin shell.
/// </summary>
[TestFixture]
[Category("Hosts")]
public sealed class CryptshareServerTests
{
    private static CryptshareServerContainer Server => SharedServer.Instance;

    [Test]
    public void StartsWithinTenSecondsFromTheCachedImage() =>
        Assert.That(SharedServer.StartDuration, Is.LessThan(TimeSpan.FromSeconds(10)));

    [TestCase(CryptshareServerListener.UiHttp, "ui-http", false)]
    [TestCase(CryptshareServerListener.UiHttps, "ui-https", true)]
    [TestCase(CryptshareServerListener.AdminHttps, "admin-https", true)]
    [TestCase(CryptshareServerListener.AdminHttp, "admin-http", false)]
    public async Task EveryWebListenerAnswersAsItself(CryptshareServerListener listener, string name, bool tls)
    {
        using var client = ServerClients.For(Server, listener);
        var health = await client.GetFromJsonAsync<JsonElement>(CryptshareWeb.HealthPath);
        Assert.Multiple(() =>
        {
            Assert.That(health.GetProperty("listener").GetString(), Is.EqualTo(name));
            Assert.That(health.GetProperty("port").GetInt32(), Is.EqualTo(Server.Ports.Of(listener)));
            Assert.That(health.GetProperty("tls").GetBoolean(), Is.EqualTo(tls));
        });
    }

    /// <summary>
    /// One line per cookie and listener: the attributes the stand-in documents (CryptshareCookies.cs
    /// in the program says why). Over HTTPS the user interface's cookies are Secure and
    /// SameSite=None (an embedded app needs that); over HTTP they cannot be Secure and are Lax.
    /// </summary>
    private static readonly TestCaseData[] DocumentedCookies =
    [
        Cookie(CryptshareServerListener.UiHttps, CryptshareWeb.UserSessionCookie, secure: true, sameSite: "None", persistent: false),
        Cookie(CryptshareServerListener.UiHttps, CryptshareWeb.ClientIdCookie, secure: true, sameSite: "None", persistent: true),
        Cookie(CryptshareServerListener.UiHttps, CryptshareWeb.VerificationTokenCookie, secure: true, sameSite: "None", persistent: true),
        Cookie(CryptshareServerListener.UiHttp, CryptshareWeb.UserSessionCookie, secure: false, sameSite: "Lax", persistent: false),
        Cookie(CryptshareServerListener.UiHttp, CryptshareWeb.ClientIdCookie, secure: false, sameSite: "Lax", persistent: true),
        Cookie(CryptshareServerListener.UiHttp, CryptshareWeb.VerificationTokenCookie, secure: false, sameSite: "Lax", persistent: true),
        Cookie(CryptshareServerListener.AdminHttps, CryptshareWeb.AdminSessionCookie, secure: true, sameSite: "Strict", persistent: false),
        Cookie(CryptshareServerListener.AdminHttp, CryptshareWeb.AdminSessionCookie, secure: false, sameSite: "Strict", persistent: false),
    ];

    [TestCaseSource(nameof(DocumentedCookies))]
    public async Task StartPageSetsTheCookieWithTheDocumentedAttributes(CryptshareServerListener listener, string name, bool secure, string sameSite, bool persistent)
    {
        using var client = ServerClients.For(Server, listener);
        using var response = await client.GetAsync(CryptshareWeb.HomePath);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var cookies = response.Headers.TryGetValues("Set-Cookie", out var headers) ? headers.Select(SetCookieHeader.Parse).ToList() : [];
        var cookie = cookies.SingleOrDefault(c => c.Name == name);
        Assert.That(cookie, Is.Not.Null, $"{listener.FlowId()} did not set {name}; it set: {string.Join(", ", cookies.Select(c => c.Name))}");
        Assert.Multiple(() =>
        {
            Assert.That(cookie!.Value, Is.Not.Empty, "value");
            Assert.That(cookie.Has("HttpOnly"), Is.True, $"HttpOnly in {cookie}");
            Assert.That(cookie.Has("Secure"), Is.EqualTo(secure), $"Secure in {cookie}");
            Assert.That(cookie["SameSite"], Is.EqualTo(sameSite).IgnoreCase, $"SameSite in {cookie}");
            Assert.That(cookie["Path"], Is.EqualTo("/"), $"Path in {cookie}");
            Assert.That(cookie.IsSessionCookie, Is.EqualTo(!persistent), $"lifetime in {cookie}");
        });
    }

    [Test]
    public async Task UserInterfaceSetsExactlyItsThreeCookiesAndAdministrationOnlyItsSession()
    {
        async Task<string[]> NamesSetBy(CryptshareServerListener listener)
        {
            using var client = ServerClients.For(Server, listener);
            using var response = await client.GetAsync(CryptshareWeb.HomePath);
            return response.Headers.GetValues("Set-Cookie").Select(h => SetCookieHeader.Parse(h).Name).Order().ToArray();
        }

        Assert.That(await NamesSetBy(CryptshareServerListener.UiHttps),
            Is.EqualTo(new[] { CryptshareWeb.UserSessionCookie, CryptshareWeb.ClientIdCookie, CryptshareWeb.VerificationTokenCookie }.Order()));
        Assert.That(await NamesSetBy(CryptshareServerListener.AdminHttps), Is.EqualTo(new[] { CryptshareWeb.AdminSessionCookie }));
    }

    [TestCase(CryptshareServerListener.UiHttps, CryptshareWeb.UserSessionCookie)]
    [TestCase(CryptshareServerListener.UiHttp, CryptshareWeb.UserSessionCookie)]
    [TestCase(CryptshareServerListener.AdminHttps, CryptshareWeb.AdminSessionCookie)]
    [TestCase(CryptshareServerListener.AdminHttp, CryptshareWeb.AdminSessionCookie)]
    public async Task SessionEndpointTellsWhetherTheSessionCookieCameBack(CryptshareServerListener listener, string sessionCookie)
    {
        var jar = new CookieContainer();
        using var client = ServerClients.For(Server, listener, jar);

        var before = await client.GetFromJsonAsync<JsonElement>(CryptshareWeb.SessionPath);
        Assert.That(before.GetProperty("sessionSeen").GetBoolean(), Is.False, "no session before the start page set one");

        (await client.GetAsync(CryptshareWeb.HomePath)).Dispose();
        var after = await client.GetFromJsonAsync<JsonElement>(CryptshareWeb.SessionPath);
        Assert.Multiple(() =>
        {
            Assert.That(after.GetProperty("sessionSeen").GetBoolean(), Is.True, "the session cookie came back");
            Assert.That(after.GetProperty("sessionCookie").GetString(), Is.EqualTo(sessionCookie));
        });
    }

    [Test]
    public async Task ForgedSessionCookieIsNotTakenForASession()
    {
        using var client = ServerClients.For(Server, CryptshareServerListener.UiHttp);
        using var request = new HttpRequestMessage(HttpMethod.Get, CryptshareWeb.SessionPath);
        request.Headers.Add("Cookie", $"{CryptshareWeb.UserSessionCookie}=0123456789abcdef0123456789abcdef");
        using var response = await client.SendAsync(request);
        var session = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Multiple(() =>
        {
            Assert.That(session.GetProperty("sessionSeen").GetBoolean(), Is.False);
            Assert.That(session.GetProperty("cookiesSeen").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { CryptshareWeb.UserSessionCookie }));
        });
    }

    [TestCase(CryptshareServerListener.UiHttps)]
    [TestCase(CryptshareServerListener.AdminHttps)]
    public async Task HttpsPresentsTheServersCertificateValidatedByTheHarnessCa(CryptshareServerListener listener)
    {
        X509Certificate2? presented = null;
        using var client = ServerClients.For(Server, listener, presented: c => presented = c);
        using var response = await client.GetAsync(CryptshareWeb.HealthPath);
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(presented?.Thumbprint, Is.EqualTo(Server.Certificate.Certificate.Thumbprint));
        });
    }

    [TestCase(CryptshareServerListener.UiHttps)]
    [TestCase(CryptshareServerListener.AdminHttps)]
    public void HttpsFailsForAClientThatDoesNotTrustTheHarnessCa(CryptshareServerListener listener)
    {
        using var client = new HttpClient { BaseAddress = Server.GetBaseAddress(listener), Timeout = TimeSpan.FromSeconds(20) };
        var failure = Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(CryptshareWeb.HealthPath));
        Assert.That(failure!.HttpRequestError, Is.EqualTo(HttpRequestError.SecureConnectionError));
    }

    [Test]
    public async Task SshNetLogsIntoTheAdministrationShell()
    {
        var expectedFingerprint = await Server.GetSshHostKeyFingerprintAsync();
        var connection = new PasswordConnectionInfo("127.0.0.1", Server.GetMappedPort(CryptshareServerListener.Ssh), Server.AdminUser, Server.AdminPassword)
        {
            Timeout = TimeSpan.FromSeconds(10),
        };
        using var ssh = new SshClient(connection);
        string? offeredFingerprint = null;
        ssh.HostKeyReceived += (_, e) =>
        {
            // The key made for this container at its start: we reached this server, not another.
            offeredFingerprint = "SHA256:" + e.FingerPrintSHA256;
            e.CanTrust = offeredFingerprint == expectedFingerprint;
        };
        await ssh.ConnectAsync(CancellationToken.None);
        var whoami = ssh.RunCommand("id -un && hostname");
        Assert.Multiple(() =>
        {
            Assert.That(offeredFingerprint, Is.EqualTo(expectedFingerprint));
            Assert.That(whoami.ExitStatus, Is.Zero, whoami.Error);
            Assert.That(whoami.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries),
                Is.EqualTo(new[] { Server.AdminUser, CryptshareServerBuilder.DefaultHostname }));
        });
    }

    [Test]
    public void SshRefusesAWrongPassword()
    {
        var connection = new PasswordConnectionInfo("127.0.0.1", Server.GetMappedPort(CryptshareServerListener.Ssh), Server.AdminUser, "not-" + Server.AdminPassword)
        {
            Timeout = TimeSpan.FromSeconds(10),
        };
        using var ssh = new SshClient(connection);
        Assert.ThrowsAsync<Renci.SshNet.Common.SshAuthenticationException>(() => ssh.ConnectAsync(CancellationToken.None));
    }

    [Test]
    public async Task TheAdministratorsPasswordIsNeitherInTheLogNorInTheEnvironment()
    {
        var (stdout, stderr) = await Server.GetLogsAsync();
        using var docker = DockerClientsForTests.Create();
        var inspected = await docker.Containers.InspectContainerAsync(Server.Id);
        Assert.Multiple(() =>
        {
            Assert.That(stdout + stderr, Does.Contain("Now listening"), "this is the server's log");
            // Boolean checks: an Is.Not.Contain failure would print the password.
            Assert.That((stdout + stderr).Contains(Server.AdminPassword, StringComparison.Ordinal), Is.False, "password in the container log");
            Assert.That((inspected.Config?.Env ?? []).Any(e => e.Contains(Server.AdminPassword, StringComparison.Ordinal)), Is.False, "password in the container's environment");
        });
    }

    [Test]
    public async Task TheServerOriginatesProbesWithItsOwnAgent()
    {
        Assert.That(await Server.ProbeAgentVersionAsync(), Does.StartWith("ctt-probe "));
        var outlookHeaders = new Dictionary<string, string>
        {
            [CryptshareWeb.OutlookHeaders.ClientId] = new string('a', 60),
            [CryptshareWeb.OutlookHeaders.MajorApiVersion] = "1",
            [CryptshareWeb.OutlookHeaders.MinimumMinorApiVersion] = "0",
            [CryptshareWeb.OutlookHeaders.ProductKey] = "outlook",
            [CryptshareWeb.OutlookHeaders.Password] = "probe-" + Guid.NewGuid().ToString("N"),
        };
        ProbeRequest Probe(string flow, int port, ProbeProtocol protocol, string? tlsName = null, ProbeOptions? options = null, ProbeCredentials? credentials = null) =>
            new(flow, "cryptshare-server", "cryptshare-server", "127.0.0.1", port, protocol, TlsName: tlsName, Options: options, Credentials: credentials);

        var results = await Server.RunProbesAsync(
        [
            Probe("ui-https", Server.Ports.UiHttps, ProbeProtocol.Https, "localhost", new ProbeOptions(Path: CryptshareWeb.OutlookPingPath, Headers: outlookHeaders)),
            Probe("ui-http", Server.Ports.UiHttp, ProbeProtocol.Http, options: new ProbeOptions(Path: CryptshareWeb.OutlookPingPath)),
            Probe("ssh-shell", Server.Ports.Ssh, ProbeProtocol.Ssh, options: new ProbeOptions(Command: "true", HostKeySha256: await Server.GetSshHostKeyFingerprintAsync()),
                credentials: new ProbeCredentials(Server.AdminUser, Server.AdminPassword)),
            Probe("nothing-listens", 1, ProbeProtocol.Tcp),
        ]);
        Assert.Multiple(() =>
        {
            Assert.That((results[0].Verdict, results[0].HttpStatus), Is.EqualTo((ProbeVerdict.Allowed, (int?)200)), results[0].Detail);
            Assert.That((results[1].Verdict, results[1].HttpStatus), Is.EqualTo((ProbeVerdict.Allowed, (int?)400)), "no Outlook headers: the server answers 400");
            Assert.That(results[2].Verdict, Is.EqualTo(ProbeVerdict.Allowed), results[2].Detail);
            Assert.That(results[3].Verdict, Is.EqualTo(ProbeVerdict.Rejected), results[3].Detail);
        });
    }

    [Test]
    public async Task ListenersMovedByTheBuilderAnswerOnTheirNewPorts()
    {
        var moved = new CryptshareServerPorts(UiHttp: 8081, UiHttps: 8444, AdminHttps: 8443, AdminHttp: 9091, Ssh: 2222);
        await using var server = new CryptshareServerBuilder(await HostImages.GetAsync(CryptshareServerBuilder.Kind))
            .WithPorts(moved)
            .WithCredentials("operator", "moved-" + Guid.NewGuid().ToString("N"))
            .Build();
        await server.StartAsync();

        foreach (var listener in Enum.GetValues<CryptshareServerListener>().Where(l => l.IsWeb()))
        {
            using var client = ServerClients.For(server, listener);
            var health = await client.GetFromJsonAsync<JsonElement>(CryptshareWeb.HealthPath);
            Assert.That(health.GetProperty("port").GetInt32(), Is.EqualTo(moved.Of(listener)), listener.FlowId());
        }

        using var ssh = new SshClient("127.0.0.1", server.GetMappedPort(CryptshareServerListener.Ssh), server.AdminUser, server.AdminPassword);
        await ssh.ConnectAsync(CancellationToken.None);
        Assert.That(ssh.RunCommand("id -un").Result.Trim(), Is.EqualTo("operator"));
    }

    private static TestCaseData Cookie(CryptshareServerListener listener, string name, bool secure, string sameSite, bool persistent) =>
        new TestCaseData(listener, name, secure, sameSite, persistent)
            .SetArgDisplayNames(listener.FlowId(), name, secure ? "Secure" : "not Secure", "SameSite=" + sameSite, persistent ? "persistent" : "session");
}
