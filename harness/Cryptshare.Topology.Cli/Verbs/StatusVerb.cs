using System.CommandLine;
using Cryptshare.Topology.Fixtures.Engine;

namespace Cryptshare.Topology.Cli.Verbs;

/// <summary>`status`: what the harness has running on this engine.</summary>
internal static class StatusVerb
{
    public static Command Create()
    {
        var command = new Command("status", "List the harness's containers and networks on this Docker engine (from `up`, or left by a killed run).");
        command.SetAction(async (_, ct) =>
        {
            if (!DockerEngine.IsAvailable)
            {
                await Console.Error.WriteLineAsync(DockerEngine.HowToGetOne);
                return ExitCodes.NoEngine;
            }

            var found = await HarnessJanitor.FindAsync(run: null, ct);
            Console.WriteLine(found.IsEmpty ? "no harness containers or networks" : found.ToString());
            return ExitCodes.Matched;
        });
        return command;
    }
}
