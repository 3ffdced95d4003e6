using Cryptshare.Topology.Fixtures.Ldap;
using Cryptshare.Topology.Fixtures.Pki;
using DotNet.Testcontainers.Images;

namespace Cryptshare.Topology.Tests.Unit.Ldap;

/// <summary>The LDAP builder refuses what slapd or the seeded LDIF could not serve, before any engine is asked.</summary>
[TestFixture]
public sealed class LdapBuilderGuardTests
{
    private const string Secret = "Never-Show-This-1";
    private static readonly DockerImage AnyImage = new("cryptshare-topology/ldap:test");

    [TestCase("o=example")]
    [TestCase("dc=example, dc=test")]
    [TestCase("dc=exa mple,dc=test")]
    [TestCase("")]
    public void RejectsBaseDnThatIsNotDcComponents(string baseDn)
    {
        var builder = new LdapBuilder(AnyImage).WithBaseDn(baseDn);
        Assert.That(() => builder.Build(), Throws.ArgumentException.With.Message.Contains("base DN"));
    }

    [TestCase("cn=cryptshare,dc=other,dc=test")]
    [TestCase("cn=cryptshare,ou=services,dc=other,dc=test")]
    [TestCase("dc=example,dc=test")]
    [TestCase("sn=cryptshare,dc=example,dc=test")]
    [TestCase("cn=crypt+share,dc=example,dc=test")]
    [TestCase("cn=cryptshare,o=services,dc=example,dc=test")]
    public void RejectsBindDnItCannotCreate(string bindDn)
    {
        var builder = new LdapBuilder(AnyImage).WithCredentials(bindDn, Secret);
        Assert.That(() => builder.Build(), Throws.ArgumentException
            .With.Message.Contains("bind DN")
            .And.Message.Not.Contains(Secret));
    }

    [Test]
    public void RejectsEmptyPassword()
    {
        var builder = new LdapBuilder(AnyImage).WithCredentials("cn=cryptshare,dc=example,dc=test", "");
        Assert.That(() => builder.Build(), Throws.ArgumentException.With.Message.Contains("anonymous"));
    }

    [Test]
    public void RejectsPortServedTwice()
    {
        var builder = new LdapBuilder(AnyImage).WithLdapPorts(389, 636);
        Assert.That(() => builder.Build(), Throws.ArgumentException.With.Message.Contains("636 is given twice"));
    }

    [Test]
    public void RejectsPortOutOfRange()
    {
        var builder = new LdapBuilder(AnyImage).WithLdapsPort(70000);
        Assert.That(() => builder.Build(), Throws.ArgumentException.With.Message.Contains("70000"));
    }

    [Test]
    public void RejectsNoListenerAtAll()
    {
        var builder = new LdapBuilder(AnyImage).WithLdapPorts().WithLdapsPorts();
        Assert.That(() => builder.Build(), Throws.ArgumentException.With.Message.Contains("no listener"));
    }

    [TestCase(0, 1)]
    [TestCase(LdapBuilder.MaxUserCount + 1, 1)]
    [TestCase(10, LdapBuilder.MaxGroupCount + 1)]
    public void RejectsDirectorySizeOutOfRange(int users, int groups)
    {
        var builder = new LdapBuilder(AnyImage).WithDirectory(1, users, groups);
        Assert.That(() => builder.Build(), Throws.ArgumentException.With.Message.Contains("LDAP directory"));
    }

    [Test]
    public void RejectsCertificateThatDoesNotNameTheHost()
    {
        var certificate = HarnessPki.Shared.IssueServer("other-host", ["localhost"]);
        var builder = new LdapBuilder(AnyImage).WithHostname("ldap.intranet.test").WithCertificate(certificate);
        Assert.That(() => builder.Build(), Throws.ArgumentException.With.Message.Contains("does not name the host 'ldap.intranet.test'"));
    }

    [Test]
    public void DefaultsServeStandardPortsWithARandomPassword()
    {
        var first = new LdapBuilder(AnyImage).Build();
        var second = new LdapBuilder(AnyImage).Build();

        Assert.Multiple(() =>
        {
            Assert.That(first.LdapPorts, Is.EqualTo(new[] { LdapBuilder.LdapPort, LdapBuilder.GlobalCatalogPort }));
            Assert.That(first.LdapsPorts, Is.EqualTo(new[] { LdapBuilder.LdapsPort, LdapBuilder.GlobalCatalogTlsPort }));
            Assert.That(first.BaseDn, Is.EqualTo(LdapBuilder.DefaultBaseDn));
            Assert.That(first.BindDn, Is.EqualTo($"{LdapBuilder.DefaultBindRdn},{LdapBuilder.DefaultBaseDn}"));
            Assert.That(first.BindPassword, Has.Length.GreaterThanOrEqualTo(20));
            Assert.That(second.BindPassword, Is.Not.EqualTo(first.BindPassword), "random per instance");
            Assert.That(first.Credentials.ToString(), Does.Not.Contain(first.BindPassword));
            Assert.That(first.Certificate.Certificate.Issuer, Is.EqualTo(HarnessPki.Shared.Authority.Subject));
        });
    }

    [Test]
    public void LdapsPortAddsWhileLdapsPortsReplaces()
    {
        var added = new LdapBuilder(AnyImage).WithLdapsPort(LdapBuilder.DocumentedLdapsPort).Build();
        var replaced = new LdapBuilder(AnyImage).WithLdapsPorts(LdapBuilder.DocumentedLdapsPort).Build();

        Assert.Multiple(() =>
        {
            Assert.That(added.LdapsPorts, Is.EqualTo(new[] { 636, 3269, 686 }));
            Assert.That(replaced.LdapsPorts, Is.EqualTo(new[] { 686 }));
            Assert.That(replaced.LdapPorts, Is.EqualTo(new[] { 389, 3268 }));
        });
    }

    [Test]
    public void BuilderDescribesTheDirectoryItsContainerServes()
    {
        var builder = new LdapBuilder(AnyImage).WithDirectory(seed: 5, userCount: 7, groupCount: 2);

        Assert.That(builder.Build().Directory.Users, Is.EqualTo(builder.GenerateDirectory().Users));
    }
}
