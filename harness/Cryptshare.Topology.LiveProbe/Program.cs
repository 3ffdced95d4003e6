using Cryptshare.Topology.Input;
using Cryptshare.Topology.LiveProbe;

// ctt-live-probe: the probe agent for a customer's own machines (README.md beside this file).
// Exit codes: 0 every flow of the zone probed and live-report.json written (whatever the verdicts),
// 2 bad input or usage (one paragraph, nothing contacted), 1 the agent itself failed.
const int BadInput = 2;
const int Failed = 1;

if (args is ["--version"])
{
    Console.WriteLine($"ctt-live-probe {SiteRun.Version}");
    return 0;
}

if (args is [] or ["--help"] or ["-h"])
{
    Console.Error.WriteLine(LiveProbeOptions.Usage);
    return args is [] ? BadInput : 0;
}

try
{
    var options = LiveProbeOptions.Parse(args);
    await new SiteRun(options, Console.Out).RunAsync(CancellationToken.None);
    return 0;
}
catch (Exception e) when (e is UsageException or InputException)
{
    // Messages name files, lines and keys; the loaders never put a credential's value into one.
    Console.Error.WriteLine(e is InputException ? $"ctt-live-probe: {e.Message}" : e.Message);
    return BadInput;
}
catch (Exception e)
{
    Console.Error.WriteLine($"ctt-live-probe: the agent failed: {e.GetType().Name}: {e.Message}");
    return Failed;
}
