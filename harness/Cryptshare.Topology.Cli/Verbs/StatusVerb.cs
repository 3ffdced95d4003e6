using System.CommandLine;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Fixtures.Topology;
using Cryptshare.Topology.Runs;

namespace Cryptshare.Topology.Cli.Verbs;

/// <summary>`status`: what the harness has running on this engine, and each topology's engine-side networks.</summary>
internal static class StatusVerb
{
    public static Command Create()
    {
        var run = new Option<string?>("--run") { Description = "Only what this run created." };
        var command = new Command("status", "List the harness's containers and networks on this Docker engine (from `up`, or left by a killed run).") { run };
        command.SetAction(async (parse, ct) =>
        {
            Engine.Require();
            var found = await HarnessJanitor.FindAsync(parse.GetValue(run), ct);
            Console.WriteLine(found.IsEmpty ? "no harness containers or networks" : found.ToString());
            // Each topology on its engine-side networks: what a capture on the Docker host would look at.
            foreach (var topology in (await RunningTopologies.ZonesAsync(parse.GetValue(run), ct)).GroupBy(z => z.Topology))
            {
                Console.WriteLine($"topology {topology.Key}: {string.Join(", ", topology.Select(z => $"{z.Zone} on {z.Network} {z.EngineSubnet}"))}");
            }

            return ExitCodes.Matched;
        });
        return command;
    }
}
