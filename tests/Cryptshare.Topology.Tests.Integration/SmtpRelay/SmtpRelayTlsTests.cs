using Cryptshare.Topology.Fixtures.Pki;
using Cryptshare.Topology.Fixtures.SmtpRelay;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace Cryptshare.Topology.Tests.Integration.SmtpRelay;

/// <summary>The TLS variants (465, 587): no mail without AUTH, and TLS that only the harness CA validates.</summary>
[TestFixture(SmtpRelayMode.ImplicitTls)]
[TestFixture(SmtpRelayMode.StartTls)]
[Category("Hosts")]
public sealed class SmtpRelayTlsTests(SmtpRelayMode mode) : RelayFixture(mode)
{
    [Test]
    public async Task MailWithoutAuthIsRefusedAndNeverArrives()
    {
        var subject = UniqueSubject($"no auth {Mode}");
        using (var client = await ConnectAsync())
        {
            // MailKit turns the relay's 530 (authentication required) into this exception and no other.
            Assert.ThrowsAsync<ServiceNotAuthenticatedException>(() => client.SendAsync(NewMessage(subject)));
        }

        Assert.That((await Relay.GetMessagesAsync()).Select(m => m.Subject), Does.Not.Contain(subject));
    }

    [Test]
    public void TlsFailsToValidateWithTheSystemTrustStore()
    {
        // MailKit's own validation: the system's CAs, which know nothing of the harness CA.
        Assert.ThrowsAsync<SslHandshakeException>(() => ConnectWithMailKitDefaultsAsync());
    }

    [Test]
    public void TlsFailsToValidateAgainstAnotherCa()
    {
        var stranger = new HarnessPki();
        Assert.ThrowsAsync<SslHandshakeException>(() => ConnectAsync(stranger.Validate));
    }

    [Test]
    public void CertificateIsIssuedByTheHarnessCaForLoopback()
    {
        Assert.That(Relay.Certificate, Is.Not.Null);
        Assert.That(Relay.Certificate!.Certificate.Issuer, Is.EqualTo(HarnessPki.Shared.Authority.Subject));
    }

    private async Task ConnectWithMailKitDefaultsAsync()
    {
        using var client = new SmtpClient { Timeout = 10_000 };
        await client.ConnectAsync(SmtpRelayBuilder.HostAddress, Relay.MappedSmtpPort, Transport);
    }
}
