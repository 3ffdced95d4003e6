using System.Diagnostics;
using System.Text;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Fixtures.Progress;
using Cryptshare.Topology.Fixtures.ReverseProxy;
using Cryptshare.Topology.Fixtures.Topology;
using Cryptshare.Topology.Flows;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.Reports;
using Cryptshare.Topology.RuleSets;

namespace Cryptshare.Topology.Tests.Integration.L7;

/// <summary>
/// The outlook-rest flow through a live topology (fixtures/topologies/reverse-proxy.yml, subnets
/// 10.88.x): the internet and intranet clients call Cryptshare for Outlook's REST endpoint through
/// the perimeter firewall and the reverse proxy in front of the server, with the five X-CS-*
/// headers. The proxy's profile is switched in place for every profile of the catalog; each must
/// break exactly what the catalog says it breaks. Last, nothing any of it printed or logged
/// contains the add-in's password.
/// </summary>
[TestFixture]
[Category("L7")]
public sealed class OutlookRestThroughProxyTests
{
    private static readonly FlowCatalog Catalog = FlowCatalog.Load(Path.Combine(RepositoryLayout.Fixtures, "flows", "catalog.yml"));

    private LiveTopology? _topology;
    private RuleSet? _ruleSet;
    private readonly List<RuleSetReport> _reports = [];

    private LiveTopology Topology => _topology ?? throw new InvalidOperationException("the topology did not start");

    private ReverseProxyContainer Proxy => Topology.Hosts.Values.Single(h => h.Definition.Kind == ReverseProxyBuilder.Kind).ContainerAs<ReverseProxyContainer>();

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        var definition = TopologyLoader.Load(Path.Combine(RepositoryLayout.Fixtures, "topologies", "reverse-proxy.yml"), Catalog);
        _ruleSet = RuleSetLoader.Load(Path.Combine(RepositoryLayout.Fixtures, "rulesets", "reverse-proxy", "01-web-via-proxy.nft"), Catalog);
        var progress = new Progress<PhaseProgress>(phase => TestContext.Progress.WriteLine($"[l7 topology] {phase}"));
        _topology = await LiveTopology.StartAsync(definition, Catalog, progress);
        L7Output.Line($"outlook-rest: topology {definition.Name} up in {_topology.UpTime.TotalSeconds:F1} s");
        var routing = await _topology.CheckRoutingAsync();
        Assert.That(routing.Where(r => !r.Holds).Select(r => $"{r.Source} → {r.Destination}: {r.Observed} ({r.Detail})"), Is.Empty, "the topology's own routing");
        await _topology.ApplyAsync(_ruleSet);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_topology is not null)
        {
            await _topology.DisposeAsync();
        }
    }

    [Test]
    [Order(1)]
    public async Task TheMatrixThroughThePassThroughProxyMatchesItsExpectations()
    {
        await Proxy.SwitchProfileAsync(ReverseProxyProfiles.PassThrough);
        var outcomes = await ProbeAsync(MatrixPlanner.Plan(Topology.Definition, Catalog, _ruleSet!), "pass-through");

        Assert.That(outcomes.Where(o => !o.Matches).Select(o => $"{o.Case.Name}: expected {o.Case.Expected}, observed {o.Observed} ({o.Detail})"), Is.Empty);
        Assert.That(outcomes.Select(o => o.Case.Flow.Id).Distinct(), Is.EquivalentTo(new[] { "ui-http", "ui-https", "outlook-rest" }));
    }

    /// <summary>What each profile does to the add-in's call, from both zones (the catalog's proxyProfiles say it in words).</summary>
    private static IEnumerable<TestCaseData> Profiles() =>
    [
        new TestCaseData(ReverseProxyProfiles.PassThrough, Verdict.Allowed, "received all five Outlook headers").SetName("pass-through keeps the Outlook headers"),
        new TestCaseData(ReverseProxyProfiles.StripXCs, Verdict.Broken, "all five X-CS-* headers are missing (X-CS-ClientId, X-CS-MajorApiVersion, X-CS-MinimumMinorApiVersion, X-CS-ProductKey, X-CS-Password)").SetName("strip-x-cs breaks Outlook naming all five headers"),
        new TestCaseData(ReverseProxyProfiles.DropUnknownHeaders, Verdict.Broken, "all five X-CS-* headers are missing (X-CS-ClientId, X-CS-MajorApiVersion, X-CS-MinimumMinorApiVersion, X-CS-ProductKey, X-CS-Password)").SetName("drop-unknown-headers breaks Outlook naming all five headers"),
        new TestCaseData(ReverseProxyProfiles.StripSetCookie, Verdict.Allowed, "received all five Outlook headers").SetName("strip-set-cookie leaves Outlook working"),
        new TestCaseData(ReverseProxyProfiles.HttpsToHttp, Verdict.Broken, "(profile https-to-http) serves clients plain HTTP on port 443").SetName("https-to-http breaks Outlook, which needs HTTPS"),
    ];

    [TestCaseSource(nameof(Profiles))]
    [Order(2)]
    public async Task EachProfileDoesToOutlookWhatTheCatalogSays(string profile, Verdict expected, string detail)
    {
        var clock = Stopwatch.StartNew();
        await Proxy.SwitchProfileAsync(profile);
        L7Output.Line($"outlook-rest: proxy switched to {profile} in {clock.ElapsedMilliseconds} ms");
        var cases = MatrixPlanner.Plan(Topology.Definition, Catalog, _ruleSet!).Where(c => c.Flow.Id == OutlookRestProbe.FlowId).ToList();

        var outcomes = await ProbeAsync(cases, profile);

        Assert.That(outcomes.Select(o => o.Case.FromRole), Is.EquivalentTo(new[] { ZoneRoles.Internet, ZoneRoles.Intranet }));
        foreach (var outcome in outcomes)
        {
            Assert.That(outcome.Observed, Is.EqualTo(expected), $"{outcome.Case.Name}: {outcome.Detail}");
            Assert.That(outcome.Detail, Does.Contain(detail), outcome.Case.Name);
        }

        Assert.That(Catalog.FindProxyProfile(profile)!.Breaks.StartsWith("Cryptshare for Outlook", StringComparison.Ordinal), Is.EqualTo(expected != Verdict.Allowed),
            $"the catalog's words for {profile} agree with what it does");
    }

    [Test]
    [Order(3)]
    public async Task TheOutlookPasswordIsInNoLogReportOrTestOutput()
    {
        var secrets = Topology.Context.Secrets;
        if (!_reports.Any(r => r.Name.EndsWith(ReverseProxyProfiles.PassThrough, StringComparison.Ordinal)))
        {
            // Run alone (a filter): make the add-in's call once, so there is something that could leak.
            await Proxy.SwitchProfileAsync(ReverseProxyProfiles.PassThrough);
            await ProbeAsync(MatrixPlanner.Plan(Topology.Definition, Catalog, _ruleSet!).Where(c => c.Flow.Id == OutlookRestProbe.FlowId).ToList(), ReverseProxyProfiles.PassThrough);
        }

        Assert.That(_reports.SelectMany(r => r.Flows).Any(f => f.Id == OutlookRestProbe.FlowId && f.Observed == Verdict.Allowed), Is.True,
            "the headers did go out and arrive (an outlook-rest probe was allowed), so a leak would have had something to leak");
        var report = new MatrixReport(_reports, new ReportTimings((long)Topology.UpTime.TotalMilliseconds, 0));
        report.WriteTo(L7Output.Folder);

        var texts = new Dictionary<string, string>();
        foreach (var host in Topology.Hosts.Values)
        {
            var (stdout, stderr) = await host.Container.GetLogsAsync();
            texts[$"container log of {host.Definition.Name}"] = stdout + stderr;
        }

        var (fwOut, fwErr) = await Topology.Firewall.GetLogsAsync();
        texts["container log of the firewall"] = fwOut + fwErr + string.Join('\n', await Topology.Firewall.ReadTraceAsync());
        foreach (var file in L7Output.AllFiles())
        {
            texts[file] = await File.ReadAllTextAsync(file);
        }

        Assert.That(texts.Keys, Has.Some.EndsWith("report.json").And.Some.EndsWith("test-output.log"));
        Assert.That(texts.Where(t => t.Key.Contains("container log of", StringComparison.Ordinal)).Sum(t => t.Value.Length), Is.GreaterThan(0), "there are logs to read");
        var forms = new Dictionary<string, string>
        {
            ["X-CS-Password"] = secrets.OutlookPassword,
            ["X-CS-Password (base64)"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(secrets.OutlookPassword)),
            ["X-CS-ClientId"] = secrets.OutlookClientId,
            ["X-CS-ProductKey"] = secrets.OutlookProductKey,
        };
        var leaks = texts.SelectMany(t => forms.Where(f => t.Value.Contains(f.Value, StringComparison.Ordinal)).Select(f => $"{f.Key} in {t.Key}")).ToList();

        // Only names, never the value, in the message.
        Assert.That(leaks, Is.Empty);
        L7Output.Line($"outlook-rest: {texts.Count} logs, reports and outputs read ({texts.Sum(t => t.Value.Length)} characters); no Outlook secret in any");
    }

    private async Task<IReadOnlyList<ProbeOutcome>> ProbeAsync(IReadOnlyList<ProbeCase> cases, string profile)
    {
        var clock = Stopwatch.StartNew();
        var outcomes = await Topology.ProbeAsync(cases);
        foreach (var outcome in outcomes)
        {
            L7Output.Line($"outlook-rest [{profile}] {outcome.Case.Name}: {outcome.Observed.ToWord()} in {outcome.ElapsedMs} ms — {outcome.Detail}");
        }

        L7Output.Line($"outlook-rest [{profile}]: {cases.Count} probes in {clock.ElapsedMilliseconds} ms");
        _reports.Add(new RuleSetReport($"{_ruleSet!.Name} with proxy profile {profile}", _ruleSet.Sha256, outcomes.Select(o => new FlowReport(
            o.Case.Flow.Id, o.Case.Source.Zone, o.Case.Destination.Name, o.Case.Port, o.Case.Expected, o.Observed, o.ElapsedMs, o.Detail, o.Case.Required, o.Case.Exposure)).ToList()));
        return outcomes;
    }
}
