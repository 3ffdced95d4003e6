using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Fixtures.Pki;
using Cryptshare.Topology.Fixtures.SmtpRelay;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Cryptshare.Topology.Tests.Integration.SmtpRelay;

/// <summary>
/// The relay of a mode (shared by the fixtures, see <see cref="SharedRelays"/>), and MailKit from the test process against its mapped port
/// on loopback. TLS is validated against the harness CA and nothing else.
/// </summary>
public abstract class RelayFixture(SmtpRelayMode mode)
{
    protected SmtpRelayMode Mode { get; } = mode;

    protected SmtpRelayContainer Relay { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task GetRelay()
    {
        // Built before the relay starts, so the time SharedRelays reports is the container's alone.
        await HostImages.GetAsync(SmtpRelayBuilder.Kind);
        Relay = await SharedRelays.GetAsync(Mode);
    }

    protected SecureSocketOptions Transport => Mode switch
    {
        SmtpRelayMode.ImplicitTls => SecureSocketOptions.SslOnConnect,
        SmtpRelayMode.StartTls => SecureSocketOptions.StartTls,
        _ => SecureSocketOptions.None,
    };

    /// <summary>A client connected to the relay, trusting the harness CA only (or what the caller says).</summary>
    protected async Task<SmtpClient> ConnectAsync(
        Func<System.Security.Cryptography.X509Certificates.X509Certificate?, System.Net.Security.SslPolicyErrors, bool>? validate = null,
        SecureSocketOptions? transport = null)
    {
        var client = new SmtpClient { Timeout = 10_000 };
        validate ??= HarnessPki.Shared.Validate;
        client.ServerCertificateValidationCallback = (_, certificate, _, errors) => validate(certificate, errors);
        try
        {
            await client.ConnectAsync(SmtpRelayBuilder.HostAddress, Relay.MappedSmtpPort, transport ?? Transport);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    protected static MimeMessage NewMessage(string subject)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Cryptshare Server", "cryptshare@dmz.example"));
        message.To.Add(new MailboxAddress("Recipient", "recipient@intranet.example"));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = "sent by the topology tests" };
        return message;
    }

    protected static string UniqueSubject(string what) => $"{what} {Guid.NewGuid():N}";
}
