using System.Net;
using System.Text.RegularExpressions;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Flows;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.Probing;

namespace Cryptshare.Topology.Tests.Unit.Live;

/// <summary>
/// The agent's site mode plans only the site's addresses: every probe (and so every TTL-limited path
/// probe, which goes to a probe's own address and port) targets an address the site file lists for a
/// host, the dry run lists exactly those, and a plan that would go anywhere else is refused before
/// anything leaves.
/// </summary>
[TestFixture]
public sealed class SitePlanTests
{
    private static readonly FlowCatalog Catalog = FlowCatalog.Load(Path.Combine(RepositoryLayout.Fixtures, "flows", "catalog.yml"));

    private static readonly SiteDefinition Site = SiteLoader.Load(Path.Combine(RepositoryLayout.Fixtures, "sites", "default.yml"), Catalog);

    /// <summary>A login for every host, as a complete credentials file gives them.</summary>
    private static readonly SiteCredentials Everyone = new(Site.Hosts.Keys.ToDictionary(h => h, _ => new HostCredentials(new ProbeCredentials("u", "pw"), new Dictionary<string, string>())));

    [Test]
    public void EveryProbeOfEveryZoneTargetsAnAddressTheSiteLists()
    {
        var targets = new HashSet<IPAddress>();
        foreach (var zone in Site.Zones)
        {
            var plan = SitePlan.Plan(Site, Catalog, zone.Name, Everyone);
            Assert.That(plan.Probes.Select(p => IPAddress.Parse(p.Request.Address)).Distinct(), Is.SubsetOf(Site.HostAddresses), zone.Name);
            Assert.That(plan.Probes.Select(p => p.Request.Source), Is.All.EqualTo(zone.SourceHost), zone.Name);
            Assert.That(plan.Skipped, Is.Empty, zone.Name);
            targets.UnionWith(plan.Targets);
        }

        Assert.That(targets, Is.EquivalentTo(Site.HostAddresses), "from all its zones together, the agent reaches every host of the site, and nothing else");
    }

    [Test]
    public void TheSiteModeProbesTheHarnessPlannersFlowsOnTheirPorts()
    {
        var dmz = SitePlan.Plan(Site, Catalog, "dmz", Everyone);
        var intranet = SitePlan.Plan(Site, Catalog, "intranet", Everyone);

        Assert.That(dmz.Probes.Select(p => $"{p.Request.Flow}:{p.Request.Port}:{p.Request.Protocol}"), Is.EquivalentTo(new[]
        {
            "os-updates:80:Http", "product-updates:443:Https", "smtp:25:Smtp", "smtps:465:Smtps", "submission:587:Submission", "ldap:389:Ldap",
            "ldaps:636:Ldaps", "global-catalog:3268:Ldap", "archive-scp:22:Scp", "exposure-gc-tls:3269:Ldaps",
        }));
        Assert.That(intranet.Probes.Select(p => p.Request.Flow), Is.EquivalentTo(new[] { "ui-http", "ui-https", "outlook-rest", "admin-https", "admin-http", "ssh-shell" }));
        var ldap = dmz.Probes.Single(p => p.Request.Flow == "ldap").Request;
        Assert.That((ldap.Options?.BaseDn, ldap.Options?.Filter, ldap.TlsName), Is.EqualTo(("dc=example,dc=test", "(objectClass=inetOrgPerson)", "ldap")));
        Assert.That(dmz.Probes.Single(p => p.Request.Flow == "smtp").Request.Credentials, Is.Not.Null, "a login given for relay-25 is used (SMTP AUTH)");
    }

    [Test]
    public void FlowsThatLogInAreSkippedWithoutCredentials()
    {
        var plan = SitePlan.Plan(Site, Catalog, "dmz", SiteCredentials.None);

        Assert.That(plan.Skipped.Select(s => s.FlowId), Is.EquivalentTo(new[] { "smtps", "submission", "archive-scp" }));
        Assert.That(plan.Probes.Select(p => p.Request.Flow), Does.Contain("smtp").And.Contain("ldap"), "SMTP on 25 relays and LDAP binds anonymously without a login");
        Assert.That(plan.Probes.Select(p => p.Request.Credentials), Is.All.Null);
    }

    [Test]
    public void TheDryRunListsExactlyThePlansAddresses()
    {
        foreach (var zone in Site.Zones)
        {
            var plan = SitePlan.Plan(Site, Catalog, zone.Name, Everyone);
            var lines = SitePlanText.DryRun(Site, plan, 8);
            var listed = lines.Select(l => Regex.Match(l, $"^{Regex.Escape(SitePlanText.ContactPrefix)}(\\S+) ")).Where(m => m.Success).Select(m => m.Groups[1].Value);

            Assert.That(listed, Is.EquivalentTo(plan.Targets.Select(a => a.ToString())), zone.Name);
            Assert.That(lines[0], Does.Contain(zone.RunOn));
        }
    }

    [Test]
    public void APlanThatWouldLeaveTheSiteIsRefused()
    {
        var plan = SitePlan.Plan(Site, Catalog, "dmz", Everyone);
        var probe = plan.Probes[0];
        var forged = plan with { Probes = [.. plan.Probes, probe with { Request = probe.Request with { Address = "192.0.2.1" } }] };

        var error = Assert.Throws<InvalidOperationException>(() => SitePlan.OnlySiteAddresses(Site, forged))!;
        Assert.That(error.Message, Does.Contain("192.0.2.1").And.Contain("nothing was probed"));
    }

    [Test]
    public void AnHttpErrorIsBrokenAndOutlooks4xxNamesTheStrippedHeaders()
    {
        var ok = new ProbeResult("ui-https", "s", "d", "10.0.0.1", 443, ProbeProtocol.Https, ProbeVerdict.Allowed, 3, "HTTP 302 Found", HttpStatus: 302);
        var outlook = ok with { Flow = "outlook-rest", HttpStatus = 400, Detail = "HTTP 400 Bad Request", Body = "{\"problems\":[]}" };
        var error = ok with { HttpStatus = 503, Detail = "HTTP 503" };

        Assert.That(SitePlan.Judge(ok), Is.EqualTo(ok));
        Assert.That(SitePlan.Judge(outlook).Verdict, Is.EqualTo(ProbeVerdict.Broken));
        Assert.That(SitePlan.Judge(outlook).Detail, Does.Contain("X-CS-* headers"));
        Assert.That(SitePlan.Judge(error).Detail, Does.StartWith("HTTP 503: the service answered with an error"));
    }
}
