using System.Diagnostics;
using System.Globalization;
using Cryptshare.Topology.Bench;
using Cryptshare.Topology.Oracle;
using Cryptshare.Topology.Oracle.Matrix;

// Oracle speed: flow evaluations per second on one thread against 500-rule sets whose JSON the real
// nft printed (data/*.json, made by data/regenerate.sh from data/*.nft).
//   dotnet run -c Release --project bench/Cryptshare.Topology.Bench            measure
//   dotnet run -c Release --project bench/Cryptshare.Topology.Bench -- generate flat|zoned|N   print a rule set's nft source (N: about N rules for the default topology)
//   dotnet run -c Release --project bench/Cryptshare.Topology.Bench -- analyze [N...]         how analyze scales: its time, nft's part of it and peak memory for
//       generated files of 1k, 10k, 20k and 100k rules (or N...); without root and nft it starts a firewall container: run it under the engine lock
// Before any Testcontainers call: no reaper image from a registry (analyze may start a firewall container).
Cryptshare.Topology.Fixtures.Engine.HarnessEnvironment.Apply();

if (args is ["analyze", .. var sizes])
{
    return await AnalyzeScaling.RunAsync(sizes.Length == 0 ? AnalyzeScaling.DefaultSizes : sizes.Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList());
}

if (args is ["analyze-one", var file, var count, var output])
{
    return await AnalyzeScaling.MeasureOneAsync(file, int.Parse(count, CultureInfo.InvariantCulture), output);
}

if (args is ["generate", var which])
{
    Console.Write(which switch
    {
        "flat" => RuleSetGenerator.Flat(),
        "zoned" => RuleSetGenerator.Zoned(),
        _ => RuleSetGenerator.Sized(int.Parse(which, CultureInfo.InvariantCulture)),
    });
    return 0;
}

var seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 1.0;
var flows = FlowGenerator.Generate(4096, seed: 42);
Console.WriteLine($"oracle benchmark: {Environment.ProcessorCount} cores visible, one thread used (CPU time from {(ThreadClock.Available ? "the thread's clock" : "the process")}), {flows.Length} distinct random flows, {seconds:0.#} s per round, median of 5 rounds");
foreach (var name in new[] { "flat-500", "zoned-500" })
{
    var json = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "data", name + ".json"));
    foreach (var indexed in new[] { true, false })
    {
        // Compiled twice: the second time shows the compile cost without the JIT's.
        var options = new OracleOptions { Routing = FlowGenerator.Routing(), UseChainIndex = indexed };
        _ = NftOracle.FromJson(json, options);
        var compile = Stopwatch.StartNew();
        var oracle = NftOracle.FromJson(json, options);
        compile.Stop();
        var verdicts = flows.Select(f => oracle.Evaluate(f).Verdict).GroupBy(v => v).OrderBy(g => g.Key)
            .Select(g => $"{g.Key.ToString().ToLowerInvariant()} {g.Count()}");
        var (cpu, wall) = Measure(oracle, flows, seconds);
        Console.WriteLine(
            $"{name,-10} {(indexed ? "index" : "scan "),-6} {oracle.Rules.Count,4} rules  compile {compile.Elapsed.TotalMilliseconds,5:0} ms  " +
            $"{cpu,11:N0} evaluations per CPU-second  {wall,11:N0} per wall-second  ({string.Join(", ", verdicts)})");
    }
}

// The matrix oracle: a whole probe predicted (SYN, SYN-ACK and ACK through the rule set, from both
// ends of the ephemeral port range), per CPU-second.
foreach (var name in new[] { "flat-500", "zoned-500" })
{
    var json = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "data", name + ".json"));
    var matrix = new MatrixOracle(FlowGenerator.Routing(), json);
    var connections = flows.Where(f => f.Protocol == IpProtocol.Tcp && f.DestinationPort is not null)
        .Select(f => new ProbedConnection(f.Source, f.InputInterface, f.Destination, f.DestinationPort!.Value)).ToArray();
    var predicted = PredictFor(matrix, connections, TimeSpan.FromSeconds(Math.Min(1, seconds)));
    var rounds = Enumerable.Range(0, 5).Select(_ => PredictFor(matrix, connections, TimeSpan.FromSeconds(seconds))).Order().ToList();
    Console.WriteLine($"{name,-10} matrix {connections.Length,5} probes  {rounds[2],11:N0} predictions per CPU-second (each: a handshake from two source ports)");
}

return 0;

static double PredictFor(MatrixOracle matrix, ProbedConnection[] connections, TimeSpan duration)
{
    long count = 0;
    var cpuStart = ThreadClock.Now();
    var clock = Stopwatch.StartNew();
    while (clock.Elapsed < duration)
    {
        foreach (var connection in connections)
        {
            matrix.Predict(connection);
        }

        count += connections.Length;
    }

    return count / (ThreadClock.Now() - cpuStart).TotalSeconds;
}

static (double Cpu, double Wall) Measure(NftOracle oracle, Packet[] flows, double seconds)
{
    // Warm-up: tiered compilation and the interface-name caches.
    Run(oracle, flows, TimeSpan.FromSeconds(Math.Min(1, seconds)));
    var rounds = Enumerable.Range(0, 5).Select(_ => Run(oracle, flows, TimeSpan.FromSeconds(seconds))).ToList();
    return (rounds.Select(r => r.Cpu).Order().ElementAt(2), rounds.Select(r => r.Wall).Order().ElementAt(2));
}

static (double Cpu, double Wall) Run(NftOracle oracle, Packet[] flows, TimeSpan duration)
{
    long count = 0;
    var cpuStart = ThreadClock.Now();
    var clock = Stopwatch.StartNew();
    while (clock.Elapsed < duration)
    {
        for (var i = 0; i < flows.Length; i++)
        {
            oracle.Evaluate(flows[i]);
        }

        count += flows.Length;
    }

    var wall = clock.Elapsed.TotalSeconds;
    var cpu = (ThreadClock.Now() - cpuStart).TotalSeconds;
    return (count / cpu, count / wall);
}
