using Cryptshare.Topology.Fixtures.CryptshareServer;
using DotNet.Testcontainers.Images;

namespace Cryptshare.Topology.Tests.Unit.CryptshareServer;

/// <summary>The server builder refuses what the container could not honour, before any engine is asked.</summary>
[TestFixture]
public sealed class CryptshareServerBuilderGuardTests
{
    private static readonly DockerImage AnyImage = new("cryptshare-topology/cryptshare-server:test");

    [Test]
    public void RejectsTwoListenersOnOnePort()
    {
        var builder = new CryptshareServerBuilder(AnyImage).WithPorts(new CryptshareServerPorts(AdminHttps: 443));
        Assert.That(() => builder.Build(), Throws.ArgumentException.With.Message.Contains("ui-https and admin-https cannot share port 443"));
    }

    [TestCase(0)]
    [TestCase(65536)]
    public void RejectsAPortOutsideTcpsRange(int port)
    {
        var builder = new CryptshareServerBuilder(AnyImage).WithPorts(new CryptshareServerPorts(Ssh: port));
        Assert.That(() => builder.Build(), Throws.ArgumentException.With.Message.Contains("ssh-shell"));
    }

    [TestCase("root")]
    [TestCase("Admin")]
    [TestCase("9admin")]
    [TestCase("ad min")]
    [TestCase("")]
    public void RejectsALoginLinuxWouldNotTake(string user)
    {
        var builder = new CryptshareServerBuilder(AnyImage).WithCredentials(user, "irrelevant");
        Assert.That(() => builder.Build(), Throws.ArgumentException.With.Message.Contains("cannot be the administrator's login"));
    }

    [TestCase("")]
    [TestCase("two\nlines")]
    public void RejectsAPasswordChpasswdCannotTakeWithoutShowingIt(string password)
    {
        var builder = new CryptshareServerBuilder(AnyImage).WithCredentials("csadmin", password);
        var failure = Assert.Throws<ArgumentException>(() => builder.Build());
        Assert.That(failure!.Message, Does.Contain("password must be non-empty"));
        if (password.Length > 0)
        {
            Assert.That(failure.Message.Contains(password, StringComparison.Ordinal), Is.False, "the password is not in the message");
        }
    }

    [Test]
    public void RejectsAHostFirewallThatWouldFlushDockersRules()
    {
        var builder = new CryptshareServerBuilder(AnyImage).WithHostFirewall("flush ruleset\ntcp dport 22 drop");
        Assert.That(() => builder.Build(), Throws.ArgumentException.With.Message.Contains("flush ruleset"));
    }

    [Test]
    public void CredentialsDoNotPrintTheirPassword() =>
        Assert.That(new AdminCredentials("csadmin", "s3cret-value").ToString(), Does.Not.Contain("s3cret-value").And.Contain("csadmin"));

    [Test]
    public void DefaultsAreTheVendorsPorts() =>
        Assert.That(CryptshareServerPorts.Default.All().Select(p => p.Port), Is.EqualTo(new[] { 80, 443, 8080, 9090, 22 }));
}
