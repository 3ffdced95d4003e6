using Cryptshare.Topology.Fixtures.Pki;
using Cryptshare.Topology.Fixtures.SmtpRelay;
using DotNet.Testcontainers.Images;

namespace Cryptshare.Topology.Tests.Unit.SmtpRelay;

/// <summary>The relay builder refuses what smtp4dev could not serve, before any engine is asked, and never repeats a password.</summary>
[TestFixture]
public sealed class SmtpRelayBuilderGuardTests
{
    private static readonly DockerImage AnyImage = new("cryptshare-topology/smtp-relay:test");

    [TestCase(SmtpRelayMode.Plain, 25)]
    [TestCase(SmtpRelayMode.ImplicitTls, 465)]
    [TestCase(SmtpRelayMode.StartTls, 587)]
    public void EachModeHasItsStandardPort(SmtpRelayMode mode, int port) =>
        Assert.That(SmtpRelayBuilder.StandardPort(mode), Is.EqualTo(port));

    [TestCase(0)]
    [TestCase(65536)]
    [TestCase(SmtpRelayBuilder.ApiPort)]
    public void RejectsAnSmtpPortItCannotServe(int port)
    {
        var builder = new SmtpRelayBuilder(AnyImage).WithSmtpPort(port);
        Assert.That(() => builder.Build(), Throws.ArgumentException.With.Message.Contains($"SMTP port {port}"));
    }

    [TestCase("")]
    [TestCase("two words")]
    [TestCase("user=name")]
    [TestCase("a-user-name-far-longer-than-anything-a-mail-relay-account-would-ever-use")]
    public void RejectsAUserNameSmtp4devCannotTakeLiterally(string userName)
    {
        var builder = new SmtpRelayBuilder(AnyImage).WithCredentials(userName, "a-fine-password");
        Assert.That(() => builder.Build(), Throws.ArgumentException.With.Message.Contains("user name"));
    }

    [TestCase("")]
    [TestCase("line\nbreak-s3cret")]
    [TestCase("tab\ts3cret")]
    public void RejectsABadPasswordWithoutRepeatingIt(string password)
    {
        var builder = new SmtpRelayBuilder(AnyImage).WithCredentials("relay-user", password);
        var refused = Assert.Throws<ArgumentException>(() => builder.Build());
        Assert.That(refused!.Message, Does.Contain("password of 'relay-user'"));
        Assert.That(refused.Message, Does.Not.Contain("s3cret"));
    }

    [Test]
    public void RejectsACertificateForThePlainRelay()
    {
        var certificate = HarnessPki.Shared.IssueServer("relay", ["localhost"]);
        var builder = new SmtpRelayBuilder(AnyImage).WithCertificate(certificate);
        Assert.That(() => builder.Build(), Throws.ArgumentException.With.Message.Contains("serves no TLS"));
    }

    [Test]
    public void CredentialsHideThePasswordWhenPrinted()
    {
        var credentials = new SmtpRelayCredentials("relay-user", "s3cret-password");
        Assert.That(credentials.ToString(), Does.Contain("relay-user").And.Not.Contain("s3cret"));
        Assert.That($"{new { credentials }}", Does.Not.Contain("s3cret"), "nor when inside another object's text");
    }
}
