using Cryptshare.Topology.Fixtures.Client;
using DotNet.Testcontainers.Images;

namespace Cryptshare.Topology.Tests.Unit.Client;

/// <summary>The client builder refuses a CA that is not a certificate, before any engine is asked.</summary>
[TestFixture]
public sealed class ClientBuilderGuardTests
{
    private static readonly DockerImage AnyImage = new("cryptshare-topology/client:test");

    [TestCase("not a certificate")]
    [TestCase("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")]
    public void RejectsACaThatIsNotACertificate(string pem)
    {
        var builder = new ClientBuilder(AnyImage).WithCertificateAuthority(pem);
        Assert.That(() => builder.Build(), Throws.ArgumentException.With.Message.Contains("not a PEM certificate"));
    }
}
