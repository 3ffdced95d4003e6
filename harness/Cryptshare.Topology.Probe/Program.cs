using System.Reflection;
using System.Text;
using System.Text.Json;
using Cryptshare.Topology.Probe;
using Cryptshare.Topology.Probing;

// ctt-probe: reads one probe batch (JSON, see Cryptshare.Topology.Probing.ProbeBatch) on stdin,
// probes every flow concurrently, and prints one JSON line (ProbeResult) per probe on stdout.
// With --serve it stays for batch after batch, one line each, and takes stop commands (ProbeStop)
// between them, which the harness sends when a firewall's trace shows a probe's connection dropped
// (see AgentService): start-up and JIT are paid once.
// Exit codes: 0 every probe reported (whatever the verdicts), 2 the input is not a valid batch,
// 1 the agent itself failed.
const int BadInput = 2;

if (args is ["--version"])
{
    var version = typeof(ProbeAgent).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
    Console.WriteLine($"ctt-probe {version}");
    return 0;
}

if (args is ["--serve"])
{
    // One long-lived agent per source: batches and stop commands, one JSON line each, until stdin ends.
    return await AgentService.RunAsync(Console.OpenStandardInput(), Console.OpenStandardOutput());
}

if (args.Length > 0)
{
    Console.Error.WriteLine("usage: ctt-probe < batch.json    |    ctt-probe --serve    |    ctt-probe --version");
    return BadInput;
}
string input;
using (var stdin = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false)))
{
    input = await stdin.ReadToEndAsync();
}

ProbeBatch batch;
try
{
    batch = ProbeJson.DeserializeBatch(input);
}
catch (JsonException e)
{
    // System.Text.Json's messages name the path and the expected type, never the value (which may be a secret).
    Console.Error.WriteLine($"ctt-probe: the input is not a valid probe batch: {e.Message}");
    return BadInput;
}

try
{
    using var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = false };
    await new ProbeAgent(batch, stdout).RunAsync(CancellationToken.None);
    return 0;
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"ctt-probe: {e.Message}");
    return BadInput;
}
