using System.CommandLine;
using Cryptshare.Topology.Fixtures.Engine;

namespace Cryptshare.Topology.Cli.Verbs;

/// <summary>`clean`: removes every harness-labelled container and network, of any run — also of one killed with SIGKILL.</summary>
internal static class CleanVerb
{
    public static Command Create()
    {
        var command = new Command("clean", "Remove every container and network the harness created (of any run, including killed ones). Cached images stay.");
        command.SetAction(async (_, ct) =>
        {
            if (!DockerEngine.IsAvailable)
            {
                await Console.Error.WriteLineAsync(DockerEngine.HowToGetOne);
                return ExitCodes.NoEngine;
            }

            var removed = await HarnessJanitor.RemoveAsync(run: null, ct);
            Console.WriteLine(removed.IsEmpty ? "nothing to clean" : $"removed {removed}");
            return ExitCodes.Matched;
        });
        return command;
    }
}
