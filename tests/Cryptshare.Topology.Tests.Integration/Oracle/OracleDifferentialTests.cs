using System.Text;
using Cryptshare.Topology.Model;
using Verdict = Cryptshare.Topology.Model.Verdict;
using Cryptshare.Topology.Oracle;
using Cryptshare.Topology.Oracle.Kernel;
using Cryptshare.Topology.Oracle.Matrix;
using Cryptshare.Topology.Probing;

namespace Cryptshare.Topology.Tests.Integration.Oracle;

/// <summary>
/// The oracle against the kernel: generated rule sets (<see cref="RuleSetGenerator"/>, seed printed;
/// set CTT_ORACLE_SEED to replay one) are loaded into the live firewall of a <see cref="DifferentialLab"/>,
/// every connection of the lab is probed, and the verdict the probe observed and the rule the
/// kernel's trace names must be the oracle's, for every (rule set, connection) pair. A disagreement
/// prints the seed, the rule set and the connection as a reproduction.
/// </summary>
public abstract class OracleDifferentialBase
{
    private const int TimeoutMs = 600;

    private DifferentialLab _lab = null!;

    [OneTimeSetUp]
    public async Task StartLabAndProveItsRouting()
    {
        _lab = await DifferentialLab.StartAsync();
        await _lab.Firewall.LoadRuleSetAsync("table inet control {\n\tchain forward {\n\t\ttype filter hook forward priority filter; policy accept;\n\t}\n}\n", "control.nft");
        var flows = _lab.Zones.SelectMany(s => _lab.Zones.Where(d => d != s).SelectMany(d => DifferentialLab.ListeningPorts.Select(p => (s.Name, d.Client, p)))).ToList();
        var results = await _lab.ProbeAsync(flows, 2000);
        Assert.That(results.Where(r => r.Verdict != ProbeVerdict.Allowed).Select(r => $"{r.Source} → {r.Address}:{r.Port}: {r.Verdict} {r.Detail}"), Is.Empty,
            "the lab's own routing: with forwarding open every client reaches every other client's listeners");
    }

    [OneTimeTearDown]
    public async Task DisposeLab()
    {
        if (_lab is not null)
        {
            await _lab.DisposeAsync();
        }
    }

    protected async Task KernelAndOracleAgreeAsync(int pairs)
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("CTT_ORACLE_SEED"), out var fixedSeed) ? fixedSeed : Random.Shared.Next();
        TestContext.Progress.WriteLine($"differential: seed {seed} (replay with CTT_ORACLE_SEED={seed}), {pairs} pairs");
        var generator = new RuleSetGenerator(seed, _lab.Zones);
        var options = new MatrixOracleOptions { EphemeralLow = DifferentialLab.EphemeralLow, EphemeralHigh = DifferentialLab.EphemeralHigh };
        var disagreements = new List<string>();
        var (compared, ruleSets) = (0, 0);
        var verdicts = new Dictionary<string, int>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (compared < pairs)
        {
            var generated = generator.Next(ruleSets++);
            await _lab.Firewall.LoadRuleSetAsync(generated.Text, $"generated-{seed}-{generated.Index}.nft", flushConnections: true);
            await _lab.Firewall.StartTraceAsync();
            var json = await _lab.Firewall.ListRuleSetJsonAsync();
            var oracle = new MatrixOracle(_lab.Routing, json, options: options);
            var results = await _lab.ProbeAsync(generated.Flows, TimeoutMs);
            var (trace, kernel) = await ReadTraceAsync(json, generated);
            var before = disagreements.Count;
            for (var i = 0; i < generated.Flows.Count; i++)
            {
                var (zone, destination, port) = generated.Flows[i];
                var source = _lab.Zones.Single(z => z.Name == zone).Client;
                var connection = new ProbedConnection(source, zone, destination, port, Exchange: false);
                var prediction = oracle.Predict(connection);
                var decision = kernel.Attribute(connection, out var why);
                var observed = Observed(results[i].Verdict);
                compared++;
                verdicts[observed] = verdicts.GetValueOrDefault(observed) + 1;
                var verdictAgrees = prediction.Verdict?.ToWord() == observed;
                var ruleAgrees = decision is not null && MatrixOracle.SameRule(decision.Rule, prediction.Rule);
                if (!verdictAgrees || !ruleAgrees)
                {
                    disagreements.Add(Reproduction(seed, generated, connection, prediction, decision, why, results[i]));
                    TestContext.Progress.WriteLine($"disagreement: rule set {generated.Index}, {connection}: observed {observed}; oracle {prediction.Verdict?.ToWord() ?? "unknown"} by {prediction.Rule}; kernel {decision?.Verdict.ToString() ?? "none"} by {decision?.Rule}");
                }
            }

            // CTT_ORACLE_DUMP=folder keeps what a disagreement needs to be studied: the rules, nft's JSON, the kernel's trace.
            if (disagreements.Count > before && Environment.GetEnvironmentVariable("CTT_ORACLE_DUMP") is { Length: > 0 } dump)
            {
                Directory.CreateDirectory(dump);
                await File.WriteAllTextAsync(Path.Combine(dump, $"{seed}-{generated.Index}.nft"), generated.Text);
                await File.WriteAllTextAsync(Path.Combine(dump, $"{seed}-{generated.Index}.json"), json);
                await File.WriteAllLinesAsync(Path.Combine(dump, $"{seed}-{generated.Index}.trace"), trace);
            }
        }

        TestContext.Progress.WriteLine($"differential: {compared} pairs from {ruleSets} rule sets in {clock.Elapsed.TotalSeconds:0.0} s; observed {string.Join(", ", verdicts.OrderBy(v => v.Key).Select(v => $"{v.Key} {v.Value}"))}; {disagreements.Count} disagreements");
        foreach (var disagreement in disagreements.Take(3))
        {
            TestContext.Progress.WriteLine(disagreement);
        }

        Assert.That(compared, Is.GreaterThanOrEqualTo(pairs));
        Assert.That(disagreements, Is.Empty, $"seed {seed}: the oracle and the kernel disagree on {disagreements.Count} of {compared} pairs; first:\n{disagreements.FirstOrDefault()}");
    }

    /// <summary>The trace once it holds every probe's SYN (the monitor may still be writing), or as it is after a second.</summary>
    private async Task<(IReadOnlyList<string> Trace, KernelAttribution Kernel)> ReadTraceAsync(string json, GeneratedRuleSet generated)
    {
        for (var attempt = 1; ; attempt++)
        {
            var trace = await _lab.Firewall.ReadTraceAsync();
            var kernel = new KernelAttribution(trace, json);
            if (attempt == 10 || generated.Flows.All(f => kernel.HasSyn(new ProbedConnection(_lab.Zones.Single(z => z.Name == f.SourceZone).Client, f.SourceZone, f.Destination, f.Port))))
            {
                return (trace, kernel);
            }

            await Task.Delay(100);
        }
    }

    private static string Observed(ProbeVerdict verdict) => verdict switch
    {
        ProbeVerdict.Allowed => Verdict.Allowed.ToWord(),
        ProbeVerdict.Dropped => Verdict.Dropped.ToWord(),
        ProbeVerdict.Rejected => Verdict.Rejected.ToWord(),
        ProbeVerdict.Broken => Verdict.Broken.ToWord(),
        _ => Verdict.Unroutable.ToWord(),
    };

    private static string Reproduction(int seed, GeneratedRuleSet generated, ProbedConnection connection, MatrixPrediction prediction, KernelDecision? decision, string why, ProbeResult observed)
    {
        var flow = new Flow
        {
            Source = connection.Source,
            Destination = connection.Destination,
            Protocol = FlowProtocol.Tcp,
            SourcePort = DifferentialLab.EphemeralLow,
            DestinationPort = connection.Port,
            InputInterface = connection.SourceZone,
        };
        return new StringBuilder()
            .AppendLine($"--- disagreement: seed {seed}, rule set {generated.Index} (CTT_ORACLE_SEED={seed})")
            .AppendLine($"flow: {FlowNotation.Format(flow)} (source port any of {DifferentialLab.EphemeralLow}-{DifferentialLab.EphemeralHigh})")
            .AppendLine($"observed: {observed.Verdict} ({observed.Detail})")
            .AppendLine($"oracle:   {prediction.Verdict?.ToWord() ?? "unknown"} by {prediction.Rule?.ToString() ?? "no rule"}: {prediction.Detail}")
            .AppendLine($"kernel:   {(decision is null ? $"no attribution: {why}" : $"{decision.Verdict} by {decision.Rule?.ToString() ?? "no rule"}: {decision.Detail}")}")
            .AppendLine("rule set:")
            .Append(generated.Text)
            .ToString();
    }
}

/// <summary>CI's share: at least 2,000 pairs (about a minute on the lab).</summary>
[TestFixture]
[Category("Oracle")]
public sealed class OracleDifferentialTests : OracleDifferentialBase
{
    [Test]
    public Task KernelAndOracleAgreeOnGeneratedRuleSets() => KernelAndOracleAgreeAsync(2000);
}

/// <summary>The nightly share: 20,000 pairs. Explicit, so a plain run of every test leaves it out; <c>--filter Category=Nightly</c> runs it.</summary>
[TestFixture]
[Category("Nightly")]
[Explicit("nightly: 20,000 (rule set, connection) pairs, about ten minutes")]
public sealed class OracleDifferentialNightlyTests : OracleDifferentialBase
{
    [Test]
    public Task KernelAndOracleAgreeOnGeneratedRuleSets() => KernelAndOracleAgreeAsync(20_000);
}
