using Cryptshare.Topology.Fixtures.SmtpRelay;
using MailKit.Security;

namespace Cryptshare.Topology.Tests.Integration.SmtpRelay;

/// <summary>What every relay variant does: a mail sent as the variant demands arrives, with its subject.</summary>
[TestFixture(SmtpRelayMode.Plain)]
[TestFixture(SmtpRelayMode.ImplicitTls)]
[TestFixture(SmtpRelayMode.StartTls)]
[Category("Hosts")]
public sealed class SmtpRelayTests(SmtpRelayMode mode) : RelayFixture(mode)
{
    [Test]
    public void ServesTheModesStandardPort()
    {
        Assert.That(Relay.SmtpPort, Is.EqualTo(SmtpRelayBuilder.StandardPort(Mode)));
        Assert.That(Relay.RequiresAuthentication, Is.EqualTo(Mode != SmtpRelayMode.Plain));
    }

    [Test]
    public async Task MailSentAsTheModeDemandsShowsUpThroughTheApiWithItsSubject()
    {
        var subject = UniqueSubject($"flow check {Mode}");
        using (var client = await ConnectAsync())
        {
            Assert.That(client.IsSecure, Is.EqualTo(Mode != SmtpRelayMode.Plain), "TLS exactly on the TLS variants");
            if (Relay.RequiresAuthentication)
            {
                await client.AuthenticateAsync(Relay.Credentials.UserName, Relay.Credentials.Password);
            }

            await client.SendAsync(NewMessage(subject));
            await client.DisconnectAsync(quit: true);
        }

        var received = await Relay.FindMessageAsync(subject);
        Assert.That(received, Is.Not.Null, $"'{subject}' is not among the relay's messages");
        Assert.That(received!.From, Is.EqualTo("cryptshare@dmz.example"));
        Assert.That(received.To, Is.EqualTo(new[] { "recipient@intranet.example" }));
    }

    [Test]
    public async Task WrongPasswordIsRefused()
    {
        using var client = await ConnectAsync();
        var refused = Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync(Relay.Credentials.UserName, "not-the-password"));
        Assert.That(refused!.Message, Does.Not.Contain(Relay.Credentials.Password));
    }

    [Test]
    public async Task PasswordAppearsNeitherInTheLogsNorInTheContainersConfiguration()
    {
        // After the other tests have logged in (or failed to): smtp4dev's log must not echo secrets.
        using (var client = await ConnectAsync())
        {
            await client.AuthenticateAsync(Relay.Credentials.UserName, Relay.Credentials.Password);
        }

        var (stdout, stderr) = await Relay.GetLogsAsync();
        using var docker = DockerClientsForTests.Create();
        var inspected = await docker.Containers.InspectContainerAsync(Relay.Id);
        var config = inspected.Config ?? throw new InvalidOperationException("docker inspect returned no configuration");
        var configuration = string.Join("\n", (config.Env ?? []).Concat(config.Cmd ?? []).Concat(config.Entrypoint ?? []));
        Assert.Multiple(() =>
        {
            Assert.That(stdout + stderr, Does.Contain("SMTP Server is listening on port"), "the log is smtp4dev's");
            Assert.That(stdout + stderr, Does.Not.Contain(Relay.Credentials.Password));
            Assert.That(configuration, Does.Not.Contain(Relay.Credentials.Password));
            Assert.That(Relay.Credentials.ToString(), Does.Not.Contain(Relay.Credentials.Password));
        });
    }
}
