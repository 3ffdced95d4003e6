using System.Security.Cryptography;
using System.Text;
using Cryptshare.Topology.Fixtures.Ldap;

namespace Cryptshare.Topology.Tests.Unit.Ldap;

/// <summary>The seeded directory is the same every run, well formed, and written as loadable LDIF.</summary>
[TestFixture]
public sealed class LdapDirectoryTests
{
    private const string BaseDn = "dc=example,dc=test";

    [Test]
    public void SameSeedGivesTheSameDirectory()
    {
        var first = LdapDirectory.Generate(BaseDn, 42, 30, 5);
        var second = LdapDirectory.Generate(BaseDn, 42, 30, 5);

        Assert.Multiple(() =>
        {
            Assert.That(second.Users, Is.EqualTo(first.Users));
            Assert.That(second.Groups.Select(g => (g.Dn, g.Description, string.Join(";", g.MemberDns))),
                Is.EqualTo(first.Groups.Select(g => (g.Dn, g.Description, string.Join(";", g.MemberDns)))));
        });
    }

    [Test]
    public void AnotherSeedGivesAnotherDirectory()
    {
        var first = LdapDirectory.Generate(BaseDn, 42, 30, 5);
        var other = LdapDirectory.Generate(BaseDn, 43, 30, 5);

        Assert.That(other.Users.Select(u => u.Uid), Is.Not.EqualTo(first.Users.Select(u => u.Uid)));
    }

    [Test]
    public void GenerationIsNotCoupledToBogusGlobalSeed()
    {
        var before = LdapDirectory.Generate(BaseDn, 42, 10, 2);
        var globalSeed = Bogus.Randomizer.Seed;
        try
        {
            Bogus.Randomizer.Seed = new Random(1);
            var after = LdapDirectory.Generate(BaseDn, 42, 10, 2);

            Assert.That(after.Users, Is.EqualTo(before.Users));
        }
        finally
        {
            Bogus.Randomizer.Seed = globalSeed;
        }
    }

    [Test]
    public void UsersAndGroupsAreWellFormed()
    {
        var directory = LdapDirectory.Generate("dc=corp,dc=example,dc=test", 7, 200, 40);

        Assert.Multiple(() =>
        {
            Assert.That(directory.Users, Has.Count.EqualTo(200));
            Assert.That(directory.Groups, Has.Count.EqualTo(40));
            Assert.That(directory.Users.Select(u => u.Uid), Is.Unique);
            Assert.That(directory.Groups.Select(g => g.CommonName.ToLowerInvariant()), Is.Unique);
            Assert.That(directory.Users.Select(u => u.Uid), Has.All.Match("^[a-z0-9]+\\.[a-z0-9]+(\\.[0-9]+)?$"));
            Assert.That(directory.Users.Select(u => u.Dn), Has.All.EndsWith(",ou=people,dc=corp,dc=example,dc=test"));
            Assert.That(directory.Users.Select(u => u.Mail), Has.All.EndsWith("@corp.example.test"));
            Assert.That(directory.Groups.Select(g => g.MemberDns.Count), Has.All.GreaterThanOrEqualTo(1));
            Assert.That(directory.Groups.SelectMany(g => g.MemberDns).Distinct(), Is.SubsetOf(directory.Users.Select(u => u.Dn)));
        });
    }

    [Test]
    public void LdifHoldsEveryEntryOnceAndTheBindPasswordOnlyHashed()
    {
        var directory = LdapDirectory.Generate(BaseDn, 42, 12, 3);
        var credentials = new LdapCredentials("cn=cryptshare,ou=services,dc=example,dc=test", "Plain-Text-Secret");

        var ldif = Ldif.Write(directory, credentials);
        var dns = ldif.Split('\n').Where(l => l.StartsWith("dn: ", StringComparison.Ordinal)).Select(l => l[4..]).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(ldif, Does.Not.Contain("Plain-Text-Secret"));
            Assert.That(ldif, Does.Contain("userPassword: {SSHA}"));
            Assert.That(dns, Is.Unique);
            Assert.That(dns.Take(5), Is.EqualTo(new[]
            {
                BaseDn, "ou=people," + BaseDn, "ou=groups," + BaseDn, "ou=services," + BaseDn, credentials.BindDn,
            }), "parents come before their children");
            Assert.That(dns, Is.SupersetOf(directory.Users.Select(u => u.Dn)));
            Assert.That(dns, Is.SupersetOf(directory.Groups.Select(g => g.Dn)));
        });
    }

    [Test]
    public void BindUserUnderUidIsAnAccountNotAPerson()
    {
        var directory = LdapDirectory.Generate(BaseDn, 1, 1, 0);
        var ldif = Ldif.Write(directory, new LdapCredentials("uid=svc,ou=service accounts,ou=it,dc=example,dc=test", "x"));

        Assert.That(ldif, Does.Contain(
            "dn: ou=it,dc=example,dc=test\nobjectClass: organizationalUnit\nou: it\n\n" +
            "dn: ou=service accounts,ou=it,dc=example,dc=test\nobjectClass: organizationalUnit\nou: service accounts\n\n" +
            "dn: uid=svc,ou=service accounts,ou=it,dc=example,dc=test\nobjectClass: account\nobjectClass: simpleSecurityObject\nuid: svc\n"));
    }

    [Test]
    public void HashedPasswordVerifiesAsSaltedSha1()
    {
        var value = Ldif.HashPassword("correct horse");
        var bytes = Convert.FromBase64String(value["{SSHA}".Length..]);
        var (digest, salt) = (bytes[..20], bytes[20..]);

        Assert.Multiple(() =>
        {
            Assert.That(value, Does.StartWith("{SSHA}"));
            Assert.That(digest, Is.EqualTo(SHA1.HashData([.. Encoding.UTF8.GetBytes("correct horse"), .. salt])));
            Assert.That(Ldif.HashPassword("correct horse"), Is.Not.EqualTo(value), "a fresh salt each time");
        });
    }
}
