using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cryptshare.Topology.Fixtures.Archive;
using Cryptshare.Topology.Fixtures.CryptshareServer;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Fixtures.Kinds;
using Cryptshare.Topology.Fixtures.Ldap;
using Cryptshare.Topology.Fixtures.Progress;
using Cryptshare.Topology.Fixtures.SmtpRelay;
using Cryptshare.Topology.Fixtures.Topology;
using Cryptshare.Topology.Flows;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.Reports;
using Cryptshare.Topology.RuleSets;
using Cryptshare.Topology.Runs;
using Cryptshare.Topology.Runs.Agent;
using Cryptshare.Topology.Runs.Live;
using Cryptshare.Topology.Tests.Integration.Cli;
using DotNet.Testcontainers.Configurations;
using DotNet.Testcontainers.Containers;

namespace Cryptshare.Topology.Tests.Integration.Live;

/// <summary>
/// The support engineer's case, played through: the harness's own default topology stands in for
/// the customer's network, and its firewall holds 04-ldaps-on-686 (LDAPS opened on the vendor page's
/// 686) while the rules the customer sent, which the simulation analyses, are 01-documented. The
/// portable agent, published by `agent publish` as the linux-x64 single file, runs in the intranet
/// client and in the server, as an unprivileged user, with the site file of the topology's
/// addresses (fixtures/sites/default.yml) and a credentials file. `compare` must name exactly the
/// flow that differs (LDAPS from the server: allowed by the rules given, dropped live) and what it
/// means, and agree on every other flow; against the rules really in force it must agree on all.
/// No secret of the credentials file may appear in anything any of it printed or wrote.
/// </summary>
[TestFixture]
[Category("Live")]
[NonParallelizable] // starts the default topology on its fixed subnets 10.77.1–4.0/24
public sealed class CustomerNetworkTests
{
    private const string InContainer = "/opt/ctt-live";
    private const string Ldaps = "ldaps";

    private static readonly string SitePath = Path.Combine(RepositoryLayout.Fixtures, "sites", "default.yml");
    private static readonly string RulesSent = Path.Combine(RepositoryLayout.Fixtures, "rulesets", "01-documented.nft");
    private static readonly string RulesInForce = Path.Combine(RepositoryLayout.Fixtures, "rulesets", "04-ldaps-on-686.nft");

    private readonly Dictionary<string, string> _outputs = [];
    private readonly List<string> _liveReports = [];
    private LiveMatrix? _live;
    private SiteDefinition? _site;
    private SiteCredentials? _credentials;
    private string _folder = string.Empty;
    private string _agents = string.Empty;

    private LiveMatrix Live => _live ?? throw new InvalidOperationException("the topology did not start");

    [OneTimeSetUp]
    public async Task PlayTheCustomerAsync()
    {
        _folder = Path.Combine(TestContext.CurrentContext.WorkDirectory, "live-output", HarnessLabels.CurrentRun);
        Directory.CreateDirectory(_folder);
        // Kept across runs (its sources' hash decides): a publish costs about 10 s per runtime.
        _agents = Path.Combine(TestContext.CurrentContext.WorkDirectory, "live-agent");
        var publish = await ToolProcess.RunAsync(ToolProcess.NewRunId(), TimeSpan.FromMinutes(10), "agent", "publish", "--out", _agents);
        _outputs["agent publish"] = publish.ToString();
        Assert.That(publish.ExitCode, Is.Zero, publish.ToString());
        TestContext.Progress.WriteLine($"[live] {publish.Stdout.Trim().Split('\n').Last()}");

        var catalog = FlowCatalog.Load(MatrixInputs.CatalogPath);
        _site = SiteLoader.Load(SitePath, catalog);
        var progress = new Progress<PhaseProgress>(phase => TestContext.Progress.WriteLine($"[live topology] {phase}"));
        _live = await LiveMatrix.StartAsync(TopologyLoader.Load(MatrixInputs.DefaultTopologyPath, catalog), catalog, progress);
        await _live.ProveRoutingAsync();
        await _live.ApplyAsync(RuleSetLoader.Load(RulesInForce, catalog));

        _credentials = SiteCredentialsLoader.Parse("credentials.yml", CredentialsYaml(), _site);
        foreach (var (host, zone) in new[] { ("intranet-client", "intranet"), ("cryptshare", "dmz") })
        {
            await InstallAgentAsync(host);
            var dry = await AgentAsync(host, "--site", $"{InContainer}/site.yml", "--zone", zone, "--credentials", $"{InContainer}/credentials.yml", "--dry-run");
            _outputs[$"dry run in {host}"] = dry.Stdout + dry.Stderr;
            Assert.That(dry.ExitCode, Is.Zero, dry.Stdout + dry.Stderr);

            var run = await AgentAsync(host, "--site", $"{InContainer}/site.yml", "--zone", zone, "--credentials", $"{InContainer}/credentials.yml",
                "--ca-bundle", HostPaths.CertificateAuthority, "--out", $"{InContainer}/out/live-report.json");
            _outputs[$"agent in {host}"] = run.Stdout + run.Stderr;
            Assert.That(run.ExitCode, Is.Zero, _credentials.Scrub(run.Stdout + run.Stderr));
            var report = Path.Combine(_folder, $"live-{zone}.json");
            await File.WriteAllBytesAsync(report, await Container(host).ReadFileAsync($"{InContainer}/out/live-report.json"));
            _liveReports.Add(report);
            TestContext.Progress.WriteLine($"[live] agent in {host}: {run.Stdout.Trim().Split('\n').Last()}");
        }
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_live is not null)
        {
            await _live.DisposeAsync();
        }
    }

    [Test]
    public async Task CompareNamesExactlyTheFlowThatDiffersAndWhatItMeans()
    {
        var simulated = await AnalyzeAsync(RulesSent, "sent");
        var compare = await ToolProcess.RunAsync(ToolProcess.NewRunId(), ["compare", simulated, .. _liveReports, "--json", "--out", Path.Combine(_folder, "compare-sent")]);
        _outputs["compare with the rules sent"] = compare.ToString();

        Assert.That(compare.ExitCode, Is.EqualTo(1), compare.ToString());
        using var json = JsonDocument.Parse(compare.Stdout);
        var flows = json.RootElement.GetProperty("flows").EnumerateArray().ToList();
        var differing = flows.Where(f => f.GetProperty("agreement").GetString() is not ("agree" or "not-probed-live")).ToList();
        Assert.That(differing.Select(Name), Is.EqualTo(new[] { "ldaps/dmz" }), compare.Stdout);
        var ldaps = differing.Single();
        Assert.Multiple(() =>
        {
            Assert.That(ldaps.GetProperty("agreement").GetString(), Is.EqualTo("blocked-on-the-path"));
            Assert.That(ldaps.GetProperty("simulated").GetString(), Is.EqualTo("allowed"));
            Assert.That(ldaps.GetProperty("live").GetString(), Is.EqualTo("dropped"));
            Assert.That(ldaps.GetProperty("meaning").GetString(), Does.Contain("a device or host firewall on the path that the rules given do not contain"));
            // The agent's TTL-limited SYNs: the firewall's address on the server's zone answered, nothing beyond it.
            Assert.That(ldaps.GetProperty("meaning").GetString(), Does.Contain("the last to answer was 10.77.2.254"));
        });

        var agreeing = flows.Where(f => f.GetProperty("agreement").GetString() == "agree").Select(Name).ToList();
        var probedLive = _liveReports.SelectMany(r => LiveReport.Read(r).Observed.Flows).Select(f => $"{f.Id}/{f.From}").ToList();
        Assert.That(agreeing, Is.EquivalentTo(probedLive.Where(f => f != "ldaps/dmz")), "every other flow the agents probed agrees");
        Assert.That(probedLive, Has.Count.GreaterThanOrEqualTo(15), "the server's outbound flows and the intranet's inbound ones");
        Assert.That(probedLive, Does.Contain("ssh-shell/intranet").And.Contain("archive-scp/dmz").And.Contain("smtps/dmz").And.Contain("outlook-rest/intranet"), "the flows that log in were probed with the credentials file");
        var html = await File.ReadAllTextAsync(Path.Combine(_folder, "compare-sent", ComparisonHtml.FileName));
        Assert.That(html, Does.Contain("data-differences=\"1\""));
    }

    [Test]
    public async Task CompareAgreesWithTheRulesReallyInForce()
    {
        var simulated = await AnalyzeAsync(RulesInForce, "in-force");
        var compare = await ToolProcess.RunAsync(ToolProcess.NewRunId(), ["compare", simulated, .. _liveReports]);
        _outputs["compare with the rules in force"] = compare.ToString();

        Assert.That(compare.ExitCode, Is.Zero, compare.ToString());
        Assert.That(compare.Stdout, Does.Contain("simulation and live network agree on all"));
    }

    [Test]
    public void TheDryRunListsExactlyTheSiteAddressesTheZoneReaches()
    {
        foreach (var (host, zone) in new[] { ("intranet-client", "intranet"), ("cryptshare", "dmz") })
        {
            var listed = Regex.Matches(_outputs[$"dry run in {host}"], $"^{Regex.Escape(SitePlanText.ContactPrefix)}(\\S+) ", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToHashSet();
            var plan = SitePlan.Plan(_site!, FlowCatalog.Load(MatrixInputs.CatalogPath), zone, _credentials!);
            Assert.That(listed, Is.EquivalentTo(plan.Targets.Select(a => a.ToString())), host);
            Assert.That(listed, Is.SubsetOf(_site!.HostAddresses.Select(a => a.ToString())), host);
            var probed = LiveReport.Read(_liveReports.Single(r => r.EndsWith($"live-{zone}.json", StringComparison.Ordinal))).Observed.Flows
                .Select(f => _site.Hosts[f.To].Address.ToString()).ToHashSet();
            Assert.That(probed, Is.EquivalentTo(listed), $"{host}: the agent contacted what its dry run listed");
        }
    }

    [Test]
    public void TheWindowsBuildIsAPortableExecutableOfTheExpectedSize()
    {
        // It cannot run here (no Windows); its header and size say it is the self-contained x64 console program.
        var file = Path.Combine(_agents, AgentPublisher.WinX64, AgentPublisher.FileName(AgentPublisher.WinX64));
        var bytes = File.ReadAllBytes(file);
        var pe = BitConverter.ToInt32(bytes, 0x3C);
        Assert.Multiple(() =>
        {
            Assert.That(Encoding.ASCII.GetString(bytes, 0, 2), Is.EqualTo("MZ"));
            Assert.That(Encoding.ASCII.GetString(bytes, pe, 4), Is.EqualTo("PE\0\0"));
            Assert.That(BitConverter.ToUInt16(bytes, pe + 4), Is.EqualTo(0x8664), "machine: x64");
            Assert.That(BitConverter.ToUInt16(bytes, pe + 24 + 68), Is.EqualTo(3), "subsystem: Windows console");
            Assert.That(bytes.LongLength, Is.InRange(20L << 20, 150L << 20), "self-contained: the runtime is inside");
        });
        TestContext.Out.WriteLine($"win-x64: {bytes.LongLength / (1024.0 * 1024.0):0.0} MiB");
    }

    [Test]
    public async Task NoSecretOfTheCredentialsFileInAnyOutput()
    {
        // Run alone (a filter), the comparisons have not run yet: run one, so its outputs are read too.
        if (!_outputs.ContainsKey("compare with the rules sent"))
        {
            await CompareNamesExactlyTheFlowThatDiffersAndWhatItMeans();
        }

        var texts = new Dictionary<string, string>(_outputs);
        foreach (var file in Directory.EnumerateFiles(_folder, "*", SearchOption.AllDirectories))
        {
            texts[file] = await File.ReadAllTextAsync(file);
        }

        Assert.That(texts.Keys, Has.Some.EndsWith("live-dmz.json").And.Some.EndsWith("compare.html").And.Some.EndsWith("compare.json"));
        var secrets = _credentials!.SecretValues;
        Assert.That(secrets, Has.Count.GreaterThanOrEqualTo(8), "passwords, the archive key's lines, the Outlook values");
        var leaks = texts.Where(t => secrets.Any(s => t.Value.Contains(s, StringComparison.Ordinal))).Select(t => t.Key).ToList();

        // Only where, never the value.
        Assert.That(leaks, Is.Empty);
        TestContext.Out.WriteLine($"{texts.Count} outputs and files read ({texts.Sum(t => t.Value.Length)} characters); no secret in any");
    }

    private static string Name(JsonElement flow) => $"{flow.GetProperty("flowId").GetString()}/{flow.GetProperty("from").GetString()}";

    private async Task<string> AnalyzeAsync(string rules, string name)
    {
        var folder = Path.Combine(_folder, $"analyze-{name}");
        var analyze = await ToolProcess.RunAsync(ToolProcess.NewRunId(), "analyze", "--site", SitePath, "--rules", rules, "--out", folder);
        _outputs[$"analyze {name}"] = analyze.ToString();
        Assert.That(analyze.ExitCode, Is.Not.EqualTo(2).And.Not.EqualTo(4), analyze.ToString());
        return Path.Combine(folder, ReportFolder.JsonFileName);
    }

    private IContainer Container(string host) => Live.Topology.Hosts[host].Container;

    /// <summary>The agent, the site file and the credentials (owner-only) into a folder of the unprivileged user ctt-probe.</summary>
    private async Task InstallAgentAsync(string host)
    {
        var container = Container(host);
        var agent = await File.ReadAllBytesAsync(Path.Combine(_agents, AgentPublisher.LinuxX64, AgentPublisher.ProgramName));
        await container.CopyAsync(agent, $"{InContainer}/{AgentPublisher.ProgramName}", fileMode: Unix.FileMode755);
        await container.CopyAsync(await File.ReadAllBytesAsync(SitePath), $"{InContainer}/site.yml", fileMode: FileModes.Readable);
        await container.CopyAsync(Encoding.UTF8.GetBytes(CredentialsYaml()), $"{InContainer}/credentials.yml", fileMode: FileModes.OwnerOnly);
        var owned = await container.ExecAsync(["sh", "-c", $"mkdir -p {InContainer}/out && chown -R ctt-probe:ctt-probe {InContainer}"]);
        Assert.That(owned.ExitCode, Is.Zero, owned.Stderr);
    }

    /// <summary>The agent as an administrator without privileges runs it: the image's user ctt-probe, no capability.</summary>
    private Task<ExecResult> AgentAsync(string host, params string[] args) =>
        Container(host).ExecAsync(["setpriv", "--reuid=ctt-probe", "--regid=ctt-probe", "--init-groups", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs",
            "--", "env", "HOME=/var/lib/ctt-probe", $"{InContainer}/{AgentPublisher.ProgramName}", .. args]);

    /// <summary>The credentials file the customer's administrator would write: the topology's own logins and the Outlook add-in's values.</summary>
    private string CredentialsYaml()
    {
        var hosts = Live.Topology.Hosts;
        var server = hosts["cryptshare"].ContainerAs<CryptshareServerContainer>();
        var ldap = hosts["ldap"].ContainerAs<LdapContainer>();
        var archive = hosts["archive"].ContainerAs<ArchiveContainer>();
        var yaml = new StringBuilder();
        foreach (var relay in new[] { "relay-465", "relay-587" })
        {
            var credentials = hosts[relay].ContainerAs<SmtpRelayContainer>().Credentials;
            yaml.AppendLine($"{relay}: {{ user: {Quoted(credentials.UserName)}, password: {Quoted(credentials.Password)} }}");
        }

        yaml.AppendLine($"ldap: {{ user: {Quoted(ldap.BindDn)}, password: {Quoted(ldap.BindPassword)} }}");
        yaml.AppendLine($"archive:\n  user: {Quoted(archive.Username)}\n  privateKey: |");
        foreach (var line in Live.Topology.Context.ArchiveKey.PrivateKeyOpenSsh.TrimEnd().Split('\n'))
        {
            yaml.AppendLine($"    {line}");
        }

        yaml.AppendLine($"cryptshare:\n  user: {Quoted(server.AdminUser)}\n  password: {Quoted(server.AdminPassword)}\n  headers:");
        foreach (var (name, value) in OutlookRestProbe.Headers(Live.Topology.Context.Secrets))
        {
            yaml.AppendLine($"    {name}: {Quoted(value)}");
        }

        return yaml.ToString();
    }

    private static string Quoted(string value) => JsonSerializer.Serialize(value);
}
