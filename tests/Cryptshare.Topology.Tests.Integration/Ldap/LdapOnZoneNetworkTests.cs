using System.Text;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Fixtures.Ldap;
using Cryptshare.Topology.Fixtures.Pki;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Configurations;

namespace Cryptshare.Topology.Tests.Integration.Ldap;

/// <summary>
/// The LDAP host as the topology places it: on a zone network under a topology host name, without
/// a default route, reached by a peer through a static hosts entry, with LDAPS validated for that
/// name against the harness CA (the way the Cryptshare server stand-in will reach it).
/// </summary>
[TestFixture]
[Category("Hosts")]
public sealed class LdapOnZoneNetworkTests
{
    private const string HostName = "ldap.intranet.test";

    [Test]
    public async Task PeerOnTheZoneNetworkSearchesOverLdapsByHostName()
    {
        var image = await HostImages.GetAsync(LdapBuilder.Kind);
        await using var network = new NetworkBuilder()
            .WithName($"ctt-{Guid.NewGuid():N}")
            .WithLabel(HarnessLabels.Owner, "true")
            .WithLabel(HarnessLabels.Run, HarnessLabels.CurrentRun)
            .Build();
        await network.CreateAsync();

        await using var ldap = new LdapBuilder(image).WithHostname(HostName).WithNetwork(network).Build();
        await ldap.StartAsync();
        var withoutDefaultRoute = await ldap.ExecAsync(["ip", "route", "del", "default"]);

        // A client made from the same image (it has ldapsearch and trusts /etc/ctt/ca.pem).
        await using var peer = new ContainerBuilder(image)
            .WithHarnessLabels("ldap-client")
            .WithEntrypoint("sleep", "infinity")
            .WithNetwork(network)
            .WithExtraHost(HostName, ldap.IpAddress)
            .WithResourceMapping(Encoding.ASCII.GetBytes(HarnessPki.Shared.AuthorityPem), "/etc/ctt/ca.pem")
            .WithResourceMapping(Encoding.UTF8.GetBytes(ldap.BindPassword), "/run/bind.pw", fileMode: UnixFileModes.UserRead)
            .Build();
        await peer.StartAsync();
        var search = await peer.ExecAsync(
        [
            "ldapsearch", "-x", "-LLL", "-o", "ldif-wrap=no", "-H", $"ldaps://{HostName}:{LdapBuilder.LdapsPort}/",
            "-D", ldap.BindDn, "-y", "/run/bind.pw", "-b", ldap.BaseDn, "(objectClass=inetOrgPerson)", "uid",
        ]);
        var uids = search.Stdout.Split('\n').Where(l => l.StartsWith("uid: ", StringComparison.Ordinal)).Select(l => l[5..]);

        Assert.Multiple(async () =>
        {
            Assert.That(withoutDefaultRoute.ExitCode, Is.Zero, withoutDefaultRoute.Stderr);
            Assert.That(await ldap.AnswersAsync("ldaps", LdapBuilder.LdapsPort), Is.True, "readiness needs no default route");
            Assert.That(search.ExitCode, Is.Zero, search.Stderr);
            Assert.That(uids, Is.EquivalentTo(ldap.Directory.Users.Select(u => u.Uid)));
        });
    }
}
