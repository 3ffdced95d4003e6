using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Fixtures.OsRepo;

namespace Cryptshare.Topology.Tests.Integration.OsRepo;

/// <summary>
/// The OS update repository serves, over plain HTTP, a bookworm Release file that parses and whose
/// SHA256 list matches the Packages indices it serves, which in turn match the package they list:
/// what apt checks before it trusts a mirror's content.
/// </summary>
[TestFixture]
[Category("Hosts")]
public sealed class OsRepoHostTests
{
    private OsRepoContainer _repo = null!;
    private HttpClient _http = null!;
    private TimeSpan _startTime;

    [OneTimeSetUp]
    public async Task StartRepository()
    {
        var image = await HostImages.GetAsync(OsRepoBuilder.Kind);
        _repo = new OsRepoBuilder(image).Build();
        var clock = Stopwatch.StartNew();
        await _repo.StartAsync();
        _startTime = clock.Elapsed;
        TestContext.Progress.WriteLine($"os-repo ready {_startTime.TotalSeconds:F2} s after start (cached image)");
        _http = new HttpClient { BaseAddress = _repo.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
    }

    [OneTimeTearDown]
    public async Task DisposeRepository()
    {
        _http?.Dispose();
        if (_repo is not null)
        {
            await _repo.DisposeAsync();
        }
    }

    [Test]
    public void StartsInUnderTenSecondsFromCachedImage() =>
        Assert.That(_startTime, Is.LessThan(TimeSpan.FromSeconds(10)));

    [Test]
    public async Task ReleaseFileDescribesBookworm()
    {
        var release = Deb822Paragraph.ParseAll(await _http.GetStringAsync(OsRepoBuilder.ReleasePath)).Single();
        Assert.Multiple(() =>
        {
            Assert.That(release["Suite"], Is.EqualTo("bookworm"));
            Assert.That(release["Codename"], Is.EqualTo("bookworm"));
            Assert.That(release["Origin"], Is.EqualTo("Debian"));
            Assert.That(release["Label"], Is.EqualTo("Debian"));
            Assert.That(release["Components"], Is.EqualTo("main"));
            Assert.That(release["Architectures"].Split(' '), Does.Contain("amd64"));
            Assert.That(DateTimeOffset.TryParse(release["Date"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var date), Is.True, release["Date"]);
            Assert.That(date, Is.LessThanOrEqualTo(DateTimeOffset.UtcNow.AddMinutes(5)), "the Release file is not from the future");
        });
    }

    [TestCase("main/binary-amd64/Packages")]
    [TestCase("main/binary-amd64/Packages.gz")]
    public async Task ReleaseHashesMatchTheServedIndex(string index)
    {
        var release = Deb822Paragraph.ParseAll(await _http.GetStringAsync(OsRepoBuilder.ReleasePath)).Single();
        var entry = release.Continuation("SHA256").Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .SingleOrDefault(parts => parts[2] == index);
        Assert.That(entry, Is.Not.Null, $"the Release file lists {index} under SHA256");

        var served = await _http.GetByteArrayAsync($"/dists/{OsRepoBuilder.Suite}/{index}");
        Assert.That(served.LongLength, Is.EqualTo(long.Parse(entry![1], CultureInfo.InvariantCulture)), "size");
        Assert.That(Convert.ToHexStringLower(SHA256.HashData(served)), Is.EqualTo(entry[0]), "SHA256");
    }

    [Test]
    public async Task PackagesIndexMatchesThePackageItLists()
    {
        var packages = Deb822Paragraph.ParseAll(await _http.GetStringAsync($"/dists/{OsRepoBuilder.Suite}/main/binary-amd64/Packages"));
        var package = packages.Single();
        Assert.That(package["Package"], Is.EqualTo("cryptshare-appliance-tools"));

        var deb = await _http.GetByteArrayAsync("/" + package["Filename"]);
        Assert.That(deb.LongLength.ToString(CultureInfo.InvariantCulture), Is.EqualTo(package["Size"]));
        Assert.That(Convert.ToHexStringLower(SHA256.HashData(deb)), Is.EqualTo(package["SHA256"]));
        Assert.That(deb[..8], Is.EqualTo("!<arch>\n"u8.ToArray()), "a .deb is an ar archive");
    }

    [Test]
    public async Task ServesWhatLiesInTheContainer()
    {
        var served = await _http.GetByteArrayAsync(OsRepoBuilder.ReleasePath);
        Assert.That(served, Is.EqualTo(await _repo.ReadReleaseFileAsync()));
    }

    [Test]
    public async Task AnotherSuiteIsNotFound()
    {
        using var response = await _http.GetAsync("/dists/trixie/Release");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }
}
