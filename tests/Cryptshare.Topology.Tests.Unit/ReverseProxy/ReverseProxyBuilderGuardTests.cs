using System.Net;
using System.Security.Cryptography.X509Certificates;
using Cryptshare.Topology.Fixtures.ReverseProxy;
using DotNet.Testcontainers.Images;

namespace Cryptshare.Topology.Tests.Unit.ReverseProxy;

/// <summary>The reverse-proxy builder refuses what nginx could not serve, before any engine is asked.</summary>
[TestFixture]
public sealed class ReverseProxyBuilderGuardTests
{
    private static readonly DockerImage AnyImage = new("cryptshare-topology/reverse-proxy:test");

    [Test]
    public void NeedsAnUpstream() =>
        Assert.That(() => new ReverseProxyBuilder(AnyImage).Build(), Throws.ArgumentException.With.Message.Contains("no upstream"));

    [Test]
    public void RefusesAnUnknownProfileNamingTheKnownOnes() =>
        Assert.That(() => new ReverseProxyBuilder(AnyImage).WithUpstream("cryptshare").WithProfile("../../etc/passwd").Build(),
            Throws.ArgumentException.With.Message.Contains("unknown profile '../../etc/passwd' (known: drop-unknown-headers, https-to-http, pass-through, strip-set-cookie, strip-x-cs)"));

    [TestCase(80, 80, "HTTP and HTTPS cannot share port 80")]
    [TestCase(0, 443, "HTTP port 0 is not a TCP port")]
    [TestCase(80, 70000, "HTTPS port 70000 is not a TCP port")]
    public void RefusesPorts(int http, int https, string message) =>
        Assert.That(() => new ReverseProxyBuilder(AnyImage).WithUpstream("cryptshare").WithPorts(http, https).Build(), Throws.ArgumentException.With.Message.Contains(message));

    [Test]
    public void RefusesAPortalOnTheAppsOwnName() =>
        Assert.That(() => new ReverseProxyBuilder(AnyImage).WithUpstream("cryptshare").WithPortal("cs.customer.example", "cs.customer.example").Build(),
            Throws.ArgumentException.With.Message.Contains("two host names"));

    [Test]
    public void CertificateCarriesTheHostPortalAndAppNames()
    {
        var container = new ReverseProxyBuilder(AnyImage).WithUpstream("cryptshare").WithHostname("web-proxy")
            .WithPortal("portal.customer.example", "cryptshare.customer.example").Build();

        var san = container.Certificate.Certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.That(san.EnumerateDnsNames(), Is.EquivalentTo(new[] { "web-proxy", "cryptshare.customer.example", "portal.customer.example", "localhost" }));
        Assert.That(san.EnumerateIPAddresses(), Does.Contain(IPAddress.Loopback));
        Assert.That(container.Profile, Is.EqualTo(ReverseProxyProfiles.PassThrough));
        Assert.That(container.ServesTlsToClients, Is.True);
    }

    [Test]
    public void HttpsToHttpServesClientsNoTls()
    {
        var container = new ReverseProxyBuilder(AnyImage).WithUpstream("cryptshare").WithProfile(ReverseProxyProfiles.HttpsToHttp).Build();
        Assert.That(container.ServesTlsToClients, Is.False);
    }
}
