using System.Diagnostics;
using System.DirectoryServices.Protocols;
using System.Net;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Fixtures.Ldap;
using Cryptshare.Topology.Fixtures.Pki;
using DotNet.Testcontainers.Images;

namespace Cryptshare.Topology.Tests.Integration.Ldap;

/// <summary>
/// What the builder configures is what the container serves: which LDAPS ports (the documented 686
/// only when asked for), another base DN, seed and bind user, and a certificate that must name the
/// address the client dials. Each test starts its own host, and each start is timed.
/// </summary>
[TestFixture]
[Category("Hosts")]
public sealed class LdapConfigurationTests
{
    private static readonly TimeSpan StartBudget = TimeSpan.FromSeconds(10);

    private IImage _image = null!;
    private TrustedCaDirectory _harnessCa = null!;

    [OneTimeSetUp]
    public async Task BuildImage()
    {
        _image = await HostImages.GetAsync(LdapBuilder.Kind);
        _harnessCa = new TrustedCaDirectory(HarnessPki.Shared.Authority);
    }

    [OneTimeTearDown]
    public void RemoveTrust() => _harnessCa.Dispose();

    [Test]
    public async Task DocumentedPort686IsNotServedUnlessConfigured()
    {
        await using var ldap = await StartTimedAsync(new LdapBuilder(_image));

        Assert.Multiple(async () =>
        {
            Assert.That(ldap.LdapsPorts, Does.Not.Contain(LdapBuilder.DocumentedLdapsPort));
            Assert.That(await ldap.AnswersAsync("ldaps", LdapBuilder.LdapsPort), Is.True, "636 is the default");
            Assert.That(await ldap.AnswersAsync("ldaps", LdapBuilder.DocumentedLdapsPort), Is.False, "686 is not served by default");
            Assert.That(() => ldap.GetListenerPort(LdapBuilder.DocumentedLdapsPort), Throws.ArgumentException);
        });
    }

    [Test]
    public async Task LdapsOnlyOn686ServesTheDirectoryThereAndNotOn636()
    {
        await using var ldap = await StartTimedAsync(new LdapBuilder(_image).WithLdapsPorts(LdapBuilder.DocumentedLdapsPort));
        using var connection = LdapSession.Open(ldap, LdapBuilder.DocumentedLdapsPort, new NetworkCredential(ldap.BindDn, ldap.BindPassword), _harnessCa);
        connection.Bind();

        var people = LdapSession.Search(connection, ldap.BaseDn, "(objectClass=inetOrgPerson)", "uid");

        Assert.Multiple(async () =>
        {
            Assert.That(people.Select(e => LdapSession.Single(e, "uid")), Is.EquivalentTo(ldap.Directory.Users.Select(u => u.Uid)));
            Assert.That(await ldap.AnswersAsync("ldaps", LdapBuilder.LdapsPort), Is.False, "636 was replaced by 686");
        });
    }

    [Test]
    public async Task AnotherBaseDnSeedAndBindUserAreServed()
    {
        const string bindDn = "uid=svc-cryptshare,ou=service accounts,dc=corp,dc=example,dc=test";
        const string password = "Test-Only-Bind-Password-7";
        var builder = new LdapBuilder(_image)
            .WithBaseDn("dc=corp,dc=example,dc=test")
            .WithDirectory(seed: 7, userCount: 12, groupCount: 3)
            .WithCredentials(bindDn, password);
        await using var ldap = await StartTimedAsync(builder);
        using var connection = LdapSession.Open(ldap, LdapBuilder.LdapPort, new NetworkCredential(bindDn, password));
        connection.Bind();

        var people = LdapSession.Search(connection, "dc=corp,dc=example,dc=test", "(objectClass=inetOrgPerson)", "mail");
        var groups = LdapSession.Search(connection, "dc=corp,dc=example,dc=test", "(objectClass=groupOfNames)", "cn");

        Assert.Multiple(() =>
        {
            Assert.That(ldap.Directory.Users, Is.EqualTo(builder.GenerateDirectory().Users));
            Assert.That(people.Select(e => LdapSession.Single(e, "mail")), Is.EquivalentTo(ldap.Directory.Users.Select(u => u.Mail)));
            Assert.That(people.Select(e => LdapSession.Single(e, "mail")), Has.All.EndWith("@corp.example.test"));
            Assert.That(groups.Select(e => LdapSession.Single(e, "cn")), Is.EquivalentTo(ldap.Directory.Groups.Select(g => g.CommonName)));
        });
    }

    [Test]
    public async Task CertificateThatDoesNotNameTheDialledAddressFailsTls()
    {
        // Valid for the host name the readiness check uses, but not for 127.0.0.1 that the test dials.
        var certificate = HarnessPki.Shared.IssueServer(LdapBuilder.DefaultHostname, []);
        await using var ldap = await StartTimedAsync(new LdapBuilder(_image).WithCertificate(certificate));
        using var connection = LdapSession.Open(ldap, LdapBuilder.LdapsPort, new NetworkCredential(ldap.BindDn, ldap.BindPassword), _harnessCa);

        Assert.That(connection.Bind, Throws.InstanceOf<LdapException>(), "libldap checks the name, not only the chain");
    }

    private static async Task<LdapContainer> StartTimedAsync(LdapBuilder builder)
    {
        var ldap = builder.Build();
        var started = Stopwatch.StartNew();
        await ldap.StartAsync();
        var elapsed = started.Elapsed;
        TestContext.Progress.WriteLine($"ldap fixture ready in {elapsed.TotalSeconds:F2} s");
        Assert.That(elapsed, Is.LessThan(StartBudget), "an LDAP host starts from the cached image in under 10 s");
        return ldap;
    }
}
