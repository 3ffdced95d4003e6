using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Text.Json;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Fixtures.Pki;
using Cryptshare.Topology.Fixtures.UpdateServer;

namespace Cryptshare.Topology.Tests.Integration.UpdateServer;

/// <summary>
/// The update server's TLS validates against the harness CA and against nothing else (neither the
/// system's default trust nor another CA), and its update check answers with a version document
/// whose fields parse, whose download link names the server's own host, and whose download is there.
/// </summary>
[TestFixture]
[Category("Hosts")]
public sealed class UpdateServerHostTests
{
    private const string HostName = "updates.cryptshare-topology.test";
    private static readonly UpdateRelease Announced = new("7.5.2", new DateOnly(2026, 3, 9));

    private UpdateServerContainer _server = null!;
    private HttpClient _trustingHarnessCa = null!;
    private TimeSpan _startTime;

    [OneTimeSetUp]
    public async Task StartUpdateServer()
    {
        var image = await HostImages.GetAsync(UpdateServerBuilder.Kind);
        _server = new UpdateServerBuilder(image)
            .WithHostname(HostName)
            .WithLatestRelease(Announced.Version, Announced.ReleaseDate)
            .Build();
        var clock = Stopwatch.StartNew();
        await _server.StartAsync();
        _startTime = clock.Elapsed;
        TestContext.Progress.WriteLine($"update-server ready {_startTime.TotalSeconds:F2} s after start (cached image)");
        _trustingHarnessCa = ClientTrusting((certificate, errors) => HarnessPki.Shared.Validate(certificate, errors));
    }

    [OneTimeTearDown]
    public async Task DisposeUpdateServer()
    {
        _trustingHarnessCa?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Test]
    public void StartsInUnderTenSecondsFromCachedImage() =>
        Assert.That(_startTime, Is.LessThan(TimeSpan.FromSeconds(10)));

    [Test]
    public async Task TlsValidatesAgainstTheHarnessCa()
    {
        using var response = await _trustingHarnessCa.GetAsync(_server.CheckUri("7.3.0"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public void TlsFailsWithDefaultValidation()
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var failure = Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(_server.CheckUri("7.3.0")));
        Assert.That(failure!.InnerException, Is.InstanceOf<AuthenticationException>(), "the handshake, not the connection, failed");
    }

    [Test]
    public void TlsFailsAgainstAnotherCa()
    {
        var stranger = new HarnessPki();
        using var client = ClientTrusting((certificate, errors) => stranger.Validate(certificate, errors));
        var failure = Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(_server.CheckUri("7.3.0")));
        Assert.That(failure!.InnerException, Is.InstanceOf<AuthenticationException>());
    }

    [Test]
    public async Task UpdateCheckAnswersWithTheVersionDocument()
    {
        using var document = JsonDocument.Parse(await _trustingHarnessCa.GetStringAsync(_server.CheckUri("7.3.0")));
        var root = document.RootElement;
        var downloadUrl = new Uri(root.GetProperty("downloadUrl").GetString()!);
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("product").GetString(), Is.EqualTo(UpdateServerBuilder.Product));
            Assert.That(root.GetProperty("latestVersion").GetString(), Is.EqualTo(Announced.Version));
            Assert.That(DateOnly.ParseExact(root.GetProperty("releaseDate").GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture),
                Is.EqualTo(Announced.ReleaseDate));
            Assert.That(downloadUrl.Scheme, Is.EqualTo("https"));
            Assert.That(downloadUrl.Host, Is.EqualTo(HostName), "the download is on the update server's own host");
            Assert.That(root.GetProperty("sha256").GetString(), Does.Match("^[0-9a-f]{64}$"));
        });
    }

    [Test]
    public async Task DownloadNamedByTheDocumentIsServedWithItsHash()
    {
        using var document = JsonDocument.Parse(await _trustingHarnessCa.GetStringAsync(_server.CheckUri("7.3.0")));
        var downloadUrl = new Uri(document.RootElement.GetProperty("downloadUrl").GetString()!);
        // Same path, reached through the loopback port instead of the server's own name.
        var package = await _trustingHarnessCa.GetByteArrayAsync(new Uri(_server.BaseAddress, downloadUrl.PathAndQuery));
        Assert.That(Convert.ToHexStringLower(SHA256.HashData(package)), Is.EqualTo(document.RootElement.GetProperty("sha256").GetString()));
    }

    [TestCase("other-product", "7.3.0", HttpStatusCode.NotFound)]
    [TestCase(UpdateServerBuilder.Product, "", HttpStatusCode.BadRequest)]
    [TestCase(UpdateServerBuilder.Product, "7.3.0\"}", HttpStatusCode.BadRequest)]
    public async Task UpdateCheckRefusesWhatItDoesNotKnow(string product, string version, HttpStatusCode expected)
    {
        using var response = await _trustingHarnessCa.GetAsync(_server.CheckUri(version, product));
        Assert.That(response.StatusCode, Is.EqualTo(expected));
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.That(error.RootElement.GetProperty("error").GetString(), Is.Not.Empty);
    }

    private static HttpClient ClientTrusting(Func<System.Security.Cryptography.X509Certificates.X509Certificate2?, System.Net.Security.SslPolicyErrors, bool> validate) =>
        new(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, certificate, _, errors) => validate(certificate, errors) })
        {
            Timeout = TimeSpan.FromSeconds(10),
        };
}
