using System.CommandLine;
using Cryptshare.Topology.Fixtures.Engine;

namespace Cryptshare.Topology.Cli.Verbs;

/// <summary>`down`: removes topologies left running by `up` (or by `run --keep`).</summary>
internal static class DownVerb
{
    public static Command Create()
    {
        var command = new Command("down", "Remove the topologies that `up` or `run --keep` left running (containers and zone networks).");
        command.SetAction(async (_, ct) =>
        {
            if (!DockerEngine.IsAvailable)
            {
                await Console.Error.WriteLineAsync(DockerEngine.HowToGetOne);
                return ExitCodes.NoEngine;
            }

            var removed = await HarnessJanitor.RemoveAsync(run: null, ct);
            Console.WriteLine(removed.IsEmpty ? "no topology is up" : $"removed {removed}");
            return ExitCodes.Matched;
        });
        return command;
    }
}
