using System.Net;
using Cryptshare.Topology.Fixtures.Pki;
using Cryptshare.Topology.Fixtures.UpdateServer;
using DotNet.Testcontainers.Images;

namespace Cryptshare.Topology.Tests.Unit.UpdateServer;

/// <summary>The update server builder refuses a release the JSON document cannot carry, and issues a certificate when given none.</summary>
[TestFixture]
public sealed class UpdateServerBuilderGuardTests
{
    private static readonly DockerImage AnyImage = new("cryptshare-topology/update-server:test");

    [TestCase("7")]
    [TestCase("7.4.1-rc1")]
    [TestCase("7.4\",\"x\":\"1")]
    public void RejectsReleaseVersion(string version)
    {
        var builder = new UpdateServerBuilder(AnyImage).WithLatestRelease(version, new DateOnly(2026, 1, 1));
        Assert.That(() => builder.Build(), Throws.ArgumentException.With.Message.Contains("is not a release version"));
    }

    [Test]
    public void IssuesACertificateForTheHostNameLocalhostAndLoopback()
    {
        var container = new UpdateServerBuilder(AnyImage).WithHostname("updates.example.test").Build();
        var san = container.Certificate.Certificate.Extensions.OfType<System.Security.Cryptography.X509Certificates.X509SubjectAlternativeNameExtension>().Single();
        Assert.That(san.EnumerateDnsNames(), Is.SupersetOf(new[] { "updates.example.test", "localhost" }));
        Assert.That(san.EnumerateIPAddresses(), Does.Contain(IPAddress.Loopback));
        Assert.That(container.LatestRelease, Is.EqualTo(UpdateServerBuilder.DefaultLatestRelease));
    }

    [Test]
    public void ServesTheCertificateItIsGiven()
    {
        var given = HarnessPki.Shared.IssueServer("updates.customer.test", []);
        var container = new UpdateServerBuilder(AnyImage).WithCertificate(given).Build();
        Assert.That(container.Certificate, Is.SameAs(given));
    }
}
