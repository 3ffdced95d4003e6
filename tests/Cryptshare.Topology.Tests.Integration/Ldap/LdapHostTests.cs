using System.Diagnostics;
using System.DirectoryServices.Protocols;
using System.Net;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Fixtures.Ldap;
using Cryptshare.Topology.Fixtures.Pki;

namespace Cryptshare.Topology.Tests.Integration.Ldap;

/// <summary>
/// The LDAP host, seen from the test process as the Cryptshare server would see it: a bind as the
/// server's account and a search return exactly the seeded users and groups on every listener
/// (LDAP 389, the Global Catalog stand-in 3268, LDAPS 636 and 3269, and the documented 686 when
/// configured), TLS only when the harness CA is trusted, and nothing for a wrong password.
/// </summary>
[TestFixture]
[Category("Hosts")]
public sealed class LdapHostTests
{
    private const int InvalidCredentials = 49;

    private LdapContainer _ldap = null!;
    private TrustedCaDirectory _harnessCa = null!;

    [OneTimeSetUp]
    public async Task StartDirectory()
    {
        _harnessCa = new TrustedCaDirectory(HarnessPki.Shared.Authority);
        var image = await HostImages.GetAsync(LdapBuilder.Kind);
        _ldap = new LdapBuilder(image).WithLdapsPort(LdapBuilder.DocumentedLdapsPort).Build();
        var started = Stopwatch.StartNew();
        await _ldap.StartAsync();
        TestContext.Progress.WriteLine($"ldap fixture ready in {started.Elapsed.TotalSeconds:F2} s (listeners: LDAP {string.Join(", ", _ldap.LdapPorts)}; LDAPS {string.Join(", ", _ldap.LdapsPorts)})");
    }

    [OneTimeTearDown]
    public async Task StopDirectory()
    {
        await _ldap.DisposeAsync();
        _harnessCa.Dispose();
    }

    [TestCase(LdapBuilder.LdapPort)]
    [TestCase(LdapBuilder.GlobalCatalogPort)]
    [TestCase(LdapBuilder.LdapsPort)]
    [TestCase(LdapBuilder.GlobalCatalogTlsPort)]
    [TestCase(LdapBuilder.DocumentedLdapsPort)]
    public void SearchAsBindUserReturnsExactlyTheSeededUsers(int port)
    {
        using var connection = BindAsServer(port);
        var people = LdapSession.Search(connection, _ldap.BaseDn, "(objectClass=inetOrgPerson)", "uid", "cn", "givenName", "sn", "mail", "title");

        Assert.That(people.Select(DescribeUser), Is.EquivalentTo(_ldap.Directory.Users.Select(DescribeUser)));
    }

    [TestCase(LdapBuilder.LdapPort)]
    [TestCase(LdapBuilder.GlobalCatalogPort)]
    [TestCase(LdapBuilder.LdapsPort)]
    [TestCase(LdapBuilder.GlobalCatalogTlsPort)]
    [TestCase(LdapBuilder.DocumentedLdapsPort)]
    public void SearchAsBindUserReturnsExactlyTheSeededGroupsWithTheirMembers(int port)
    {
        using var connection = BindAsServer(port);
        var groups = LdapSession.Search(connection, _ldap.BaseDn, "(objectClass=groupOfNames)", "cn", "description", "member");

        Assert.That(groups.Select(DescribeGroup), Is.EquivalentTo(_ldap.Directory.Groups.Select(DescribeGroup)));
    }

    [Test]
    public void ContainerServesTheDirectoryItsBuilderDescribes()
    {
        var expected = new LdapBuilder(_ldap.Image).GenerateDirectory();

        Assert.Multiple(() =>
        {
            Assert.That(_ldap.Directory.Users, Is.EqualTo(expected.Users), "same seed, same users");
            Assert.That(_ldap.Directory.Groups.Select(DescribeGroup), Is.EqualTo(expected.Groups.Select(DescribeGroup)), "same seed, same groups");
            Assert.That(_ldap.Directory.Users, Has.Count.EqualTo(LdapBuilder.DefaultUserCount));
            Assert.That(_ldap.Directory.Groups, Has.Count.EqualTo(LdapBuilder.DefaultGroupCount));
        });
    }

    [TestCase(LdapBuilder.LdapsPort)]
    [TestCase(LdapBuilder.GlobalCatalogTlsPort)]
    [TestCase(LdapBuilder.DocumentedLdapsPort)]
    public void LdapsFailsWhenTheHarnessCaIsNotTrusted(int port)
    {
        // Another authority's certificate in the trust directory: the server's chain cannot validate.
        using var foreignCa = new TrustedCaDirectory(new HarnessPki().Authority);
        using var connection = LdapSession.Open(_ldap, port, ServerCredential(), foreignCa);

        var error = Assert.Throws<LdapException>(connection.Bind);
        Assert.That(error!.ErrorCode, Is.Not.EqualTo(InvalidCredentials), "TLS must fail before any bind is attempted");
    }

    [TestCase(LdapBuilder.LdapPort)]
    [TestCase(LdapBuilder.GlobalCatalogPort)]
    [TestCase(LdapBuilder.LdapsPort)]
    [TestCase(LdapBuilder.DocumentedLdapsPort)]
    public void WrongPasswordFailsToBind(int port)
    {
        using var connection = LdapSession.Open(_ldap, port, new NetworkCredential(_ldap.BindDn, _ldap.BindPassword + "-wrong"), _harnessCa);

        var error = Assert.Throws<LdapException>(connection.Bind);
        Assert.That(error!.ErrorCode, Is.EqualTo(InvalidCredentials));
    }

    [Test]
    public void AnonymousClientReadsNothing()
    {
        using var connection = LdapSession.Open(_ldap, LdapBuilder.LdapPort, credential: null);
        connection.Bind();

        IReadOnlyList<SearchResultEntry> entries;
        try
        {
            entries = LdapSession.Search(connection, _ldap.BaseDn, "(objectClass=*)", "dn");
        }
        catch (DirectoryOperationException e) when (e.Response.ResultCode == ResultCode.InsufficientAccessRights)
        {
            entries = [];
        }

        Assert.That(entries, Is.Empty, "only an authenticated client (the bind user) may read the directory");
    }

    private LdapConnection BindAsServer(int port)
    {
        var connection = LdapSession.Open(_ldap, port, ServerCredential(), _harnessCa);
        connection.Bind();
        return connection;
    }

    private NetworkCredential ServerCredential() => new(_ldap.BindDn, _ldap.BindPassword);

    private static string DescribeUser(LdapUser u) =>
        $"{u.Dn.ToLowerInvariant()} | {u.Uid} | {u.CommonName} | {u.GivenName} | {u.Surname} | {u.Mail} | {u.Title}";

    private static string DescribeUser(SearchResultEntry e) =>
        $"{e.DistinguishedName.ToLowerInvariant()} | {LdapSession.Single(e, "uid")} | {LdapSession.Single(e, "cn")} | {LdapSession.Single(e, "givenName")} | " +
        $"{LdapSession.Single(e, "sn")} | {LdapSession.Single(e, "mail")} | {LdapSession.Single(e, "title")}";

    private static string DescribeGroup(LdapGroup g) =>
        $"{g.Dn.ToLowerInvariant()} | {g.CommonName} | {g.Description} | {string.Join("; ", g.MemberDns.Select(m => m.ToLowerInvariant()).Order(StringComparer.Ordinal))}";

    private static string DescribeGroup(SearchResultEntry e) =>
        $"{e.DistinguishedName.ToLowerInvariant()} | {LdapSession.Single(e, "cn")} | {LdapSession.Single(e, "description")} | " +
        $"{string.Join("; ", LdapSession.All(e, "member").Select(m => m.ToLowerInvariant()).Order(StringComparer.Ordinal))}";
}
