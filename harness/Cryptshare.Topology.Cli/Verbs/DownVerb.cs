using System.CommandLine;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Runs;

namespace Cryptshare.Topology.Cli.Verbs;

/// <summary>`down`: removes topologies left running by `up` (or by `run --keep`).</summary>
internal static class DownVerb
{
    public static Command Create()
    {
        var run = new Option<string?>("--run") { Description = "Only the topology of this run (as `up` printed it)." };
        var command = new Command("down", "Remove the topologies that `up` or `run --keep` left running (containers and zone networks).") { run };
        command.SetAction(async (parse, ct) =>
        {
            Engine.Require();
            var removed = await HarnessJanitor.RemoveAsync(parse.GetValue(run), ct);
            Console.WriteLine(removed.IsEmpty ? "no topology is up" : $"removed {removed}");
            return ExitCodes.Matched;
        });
        return command;
    }
}
