using Cryptshare.Topology.Fixtures.Archive;
using DotNet.Testcontainers.Images;

namespace Cryptshare.Topology.Tests.Unit.Archive;

/// <summary>The archive builder refuses accounts and keys sshd could not use, before any engine is asked, and never repeats a password.</summary>
[TestFixture]
public sealed class ArchiveBuilderGuardTests
{
    private static readonly DockerImage AnyImage = new("cryptshare-topology/archive:test");

    [TestCase("Archive", "is not a Unix user name")]
    [TestCase("9archive", "is not a Unix user name")]
    [TestCase("a-user-name-that-is-longer-than-32", "is not a Unix user name")]
    [TestCase("root", "is a system account")]
    [TestCase("www-data", "is a system account")]
    public void RejectsUserName(string username, string message)
    {
        var builder = new ArchiveBuilder(AnyImage).WithCredentials(username, "secret");
        Assert.That(() => builder.Build(), Throws.ArgumentException.With.Message.Contains(message));
    }

    [TestCase("")]
    [TestCase("two\nlines")]
    public void RejectsPasswordWithoutEchoingIt(string password)
    {
        var builder = new ArchiveBuilder(AnyImage).WithCredentials("archive", password);
        Assert.That(() => builder.Build(), Throws.ArgumentException
            .With.Message.Contains("password must be non-empty and on one line")
            .And.Message.Not.Contains("two"));
    }

    [TestCase("ssh-dss AAAAB3NzaC1kc3MAAACBAP= old", "is not an authorized_keys line")]
    [TestCase("ssh-ed25519", "is not an authorized_keys line")]
    [TestCase("ssh-ed25519 not-base64!", "does not decode")]
    [TestCase("ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIEjgCPG7zY2FHu", "does not decode to a ssh-rsa public key")]
    public void RejectsAuthorizedKey(string line, string message)
    {
        var builder = new ArchiveBuilder(AnyImage).WithAuthorizedKey(line);
        Assert.That(() => builder.Build(), Throws.ArgumentException.With.Message.Contains(message));
    }

    [Test]
    public void AcceptsGeneratedKeysAndKeepsThemInOrder()
    {
        var first = SshKeyPair.CreateEcdsa();
        var second = SshKeyPair.CreateEcdsa("second");
        var container = new ArchiveBuilder(AnyImage).WithAuthorizedKey(first.AuthorizedKeysLine).WithAuthorizedKey(second.AuthorizedKeysLine).Build();
        Assert.That(container.AuthorizedKeys, Is.EqualTo(new[] { first.AuthorizedKeysLine, second.AuthorizedKeysLine }));
    }

    [Test]
    public void DefaultPasswordIsRandomPerInstance()
    {
        var one = new ArchiveBuilder(AnyImage).Build();
        var two = new ArchiveBuilder(AnyImage).Build();
        Assert.That(one.Username, Is.EqualTo(ArchiveBuilder.DefaultUsername));
        Assert.That(one.Password, Has.Length.GreaterThanOrEqualTo(20));
        Assert.That(one.Password, Is.Not.EqualTo(two.Password));
    }

    [Test]
    public void CredentialsReplaceTheDefault()
    {
        var container = new ArchiveBuilder(AnyImage).WithCredentials("cryptshare", "given-password").Build();
        Assert.That((container.Username, container.Password), Is.EqualTo(("cryptshare", "given-password")));
    }
}
