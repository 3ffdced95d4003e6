using System.Diagnostics;
using System.Net;
using System.Reflection;
using Cryptshare.Topology.Flows;
using Cryptshare.Topology.Input;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.Probe;
using Cryptshare.Topology.Probe.Connecting;
using Cryptshare.Topology.Probe.Protocols;
using Cryptshare.Topology.Probe.Security;
using Cryptshare.Topology.Probing;
using Cryptshare.Topology.Reports;

namespace Cryptshare.Topology.LiveProbe;

/// <summary>
/// Site mode, start to report: read the site (and the credentials), plan the zone's flows (only the
/// site's addresses), stop there for <c>--dry-run</c>, else probe every flow concurrently with the
/// harness agent's own protocol code and verdicts, judge HTTP answers as the harness does, trace
/// the path of each blocked flow, and write live-report.json. Every text that leaves is scrubbed of
/// every credential.
/// </summary>
internal sealed class SiteRun(LiveProbeOptions options, TextWriter output)
{
    public const string CatalogName = "catalog.yml (built into the agent)";

    public static string Version =>
        typeof(SiteRun).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public async Task RunAsync(CancellationToken ct)
    {
        var catalog = LoadCatalog();
        var site = SiteLoader.Load(options.SitePath, catalog);
        if (site.Zone(options.Zone) is null)
        {
            var runs = site.Zones.Select(z => $"{z.Name} ({z.RunOn})");
            throw new UsageException($"ctt-live-probe: --zone: site {site.Name} has no zone '{Printable.Visible(options.Zone)}' to run in; its zones: {string.Join(", ", runs)}");
        }

        var credentials = options.CredentialsPath is null ? SiteCredentials.None : SiteCredentialsLoader.Load(options.CredentialsPath, site);
        var plan = SitePlan.Plan(site, catalog, options.Zone, credentials, options.TimeoutMs);
        if (options.Prompt && plan.Skipped.Count > 0 && !options.DryRun)
        {
            credentials = CredentialPrompt.Ask(plan.Skipped, credentials);
            plan = SitePlan.Plan(site, catalog, options.Zone, credentials, options.TimeoutMs);
        }

        if (options.DryRun)
        {
            foreach (var line in SitePlanText.DryRun(site, plan, HopProbe.MaxHops))
            {
                output.WriteLine(credentials.Scrub(line));
            }

            return;
        }

        var (trust, tls) = Trust();
        var clock = Stopwatch.StartNew();
        var results = await ProbeAsync(plan, trust, ct);
        var paths = await PathsAsync(plan, results, ct);
        var flows = plan.Probes.Select((p, i) => FlowOf(p.Case, results[i], credentials)).ToList();
        var observed = new RuleSetReport($"live {site.Name} from {plan.Zone.Name}", site.Sha256, flows);
        observed = Diagnostician.Attach(observed, new DiagnosisContext(catalog, site.Topology));
        var report = new LiveReport(
            LiveReport.LiveSource,
            Environment.MachineName,
            DateTimeOffset.UtcNow,
            site.Name,
            site.Sha256,
            plan.Zone.Name,
            $"ctt-live-probe {Version}",
            tls,
            [observed],
            new ReportTimings(0, clock.ElapsedMilliseconds),
            paths,
            plan.Skipped.Select(s => new SkippedFlow(s.FlowId, s.From, s.To, s.Port, s.Why)).ToList());
        var path = Path.GetFullPath(options.OutPath);
        report.Write(path);
        Print(report, credentials, path);
    }

    private static FlowCatalog LoadCatalog()
    {
        using var stream = typeof(SiteRun).Assembly.GetManifestResourceStream("catalog.yml") ?? throw new InvalidOperationException("the flow catalog is missing from the agent");
        using var reader = new StreamReader(stream);
        return FlowCatalog.Parse(CatalogName, reader.ReadToEnd());
    }

    /// <summary>The trust the administrator chose, for .NET and for libldap, and how the report names it.</summary>
    private (HarnessTrust Trust, LiveTls Tls) Trust()
    {
        if (options.InsecureTls)
        {
            LdapTlsEnvironment.PrepareWithoutBundle(checkCertificates: false);
            return (HarnessTrust.AcceptAny(), new LiveTls(false, "not checked: --insecure-tls accepted every certificate, so no verdict here says anything about certificates"));
        }

        if (options.CaBundlePath is { } bundle)
        {
            var pem = YamlInput.ReadText(bundle);
            var name = $"the CA bundle {Path.GetFileName(bundle)}";
            HarnessTrust trust;
            try
            {
                trust = HarnessTrust.FromBundle(pem, name);
            }
            catch (Exception e) when (e is ArgumentException or System.Security.Cryptography.CryptographicException)
            {
                throw new InputException(bundle, 0, "--ca-bundle: not a PEM file of CA certificates");
            }

            LdapTlsEnvironment.Prepare(pem);
            return (trust, new LiveTls(true, $"validated against {name}"));
        }

        LdapTlsEnvironment.PrepareWithoutBundle(checkCertificates: true);
        return (HarnessTrust.SystemStore(), new LiveTls(true, "validated against this system's certificate store"));
    }

    /// <summary>Every probe at once, as the harness's agent runs a batch; results in plan order.</summary>
    private static async Task<ProbeResult[]> ProbeAsync(SitePlanResult plan, HarnessTrust trust, CancellationToken ct)
    {
        var requests = plan.Probes.Select(p => p.Request).ToList();
        // SSH.NET's SCP and S.DS.Protocols block a thread each; the pool must not make them queue.
        ThreadPool.GetMinThreads(out var workers, out var completion);
        ThreadPool.SetMinThreads(Math.Max(workers, requests.Count + 4), completion);
        var runner = new ProbeRunner(new ProbeContext(requests, trust));
        try
        {
            var results = await Task.WhenAll(requests.Select(r => Task.Run(() => runner.RunAsync(r, ct), ct)));
            return results.Select(SitePlan.Judge).ToArray();
        }
        finally
        {
            LdapTlsEnvironment.CleanUp();
        }
    }

    /// <summary>The hops towards each dropped or refused flow's own address and port.</summary>
    private async Task<IReadOnlyList<FlowPath>> PathsAsync(SitePlanResult plan, ProbeResult[] results, CancellationToken ct)
    {
        var blocked = plan.Probes.Select((p, i) => (Probe: p, Result: results[i]))
            .Where(x => x.Result.Verdict is ProbeVerdict.Dropped or ProbeVerdict.Rejected)
            .ToList();
        var hopTimeout = Math.Min(options.TimeoutMs, 1000);
        var traced = await Task.WhenAll(blocked.Select(async x =>
        {
            var hops = await HopProbe.TraceAsync(new IPEndPoint(IPAddress.Parse(x.Probe.Request.Address), x.Probe.Request.Port), hopTimeout, ct);
            return new FlowPath(x.Probe.Case.Flow.Id, plan.Zone.Name, x.Probe.Request.Address, x.Probe.Request.Port,
                hops.Select(h => new Hop(h.Ttl, h.Address?.ToString(), h.Note)).ToList());
        }));
        return traced.Where(p => p.Hops.Count > 0).ToList();
    }

    private static FlowReport FlowOf(ProbeCase probeCase, ProbeResult result, SiteCredentials credentials) => new(
        probeCase.Flow.Id,
        probeCase.Source.Zone,
        probeCase.Destination.Name,
        probeCase.Port,
        null,
        result.Verdict.ToVerdict(),
        result.ElapsedMs,
        credentials.Scrub(result.Detail),
        probeCase.Required,
        probeCase.Exposure);

    private void Print(LiveReport report, SiteCredentials credentials, string path)
    {
        var paths = report.Paths.ToDictionary(p => p.FlowId, p => p.ToString());
        output.WriteLine($"site {report.Site}, zone {report.Zone}, machine {report.Machine}; TLS {report.Tls.How}");
        foreach (var flow in report.Observed.Flows)
        {
            var hops = paths.TryGetValue(flow.Id, out var p) ? $" [hops: {p}]" : string.Empty;
            output.WriteLine(credentials.Scrub($"{flow.Id,-24} {flow.From} → {flow.To}:{flow.Port,-6} {flow.Observed.ToWord(),-10} {flow.Detail}{hops}"));
        }

        foreach (var skipped in report.Skipped)
        {
            output.WriteLine($"{skipped.FlowId,-24} skipped: {skipped.Why}");
        }

        foreach (var line in report.Observed.Diagnosis ?? [])
        {
            output.WriteLine(credentials.Scrub(line.ToString()));
        }

        output.WriteLine($"{report.Observed.Flows.Count} flows probed in {report.Timings.MatrixMs} ms; report: {path}");
    }
}
