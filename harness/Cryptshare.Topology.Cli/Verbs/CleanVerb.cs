using System.CommandLine;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Runs;

namespace Cryptshare.Topology.Cli.Verbs;

/// <summary>`clean`: removes every harness-labelled container and network, of any run — also of one killed with SIGKILL.</summary>
internal static class CleanVerb
{
    public static Command Create()
    {
        var run = new Option<string?>("--run") { Description = "Only what this run created (its id is in the label org.cryptshare-topology.run, or CTT_RUN_ID)." };
        var command = new Command("clean", "Remove every container and network the harness created (of any run, including killed ones). Cached images stay.") { run };
        command.SetAction(async (parse, ct) =>
        {
            Engine.Require();
            var removed = await HarnessJanitor.RemoveAsync(parse.GetValue(run), ct);
            Console.WriteLine(removed.IsEmpty ? "nothing to clean" : $"removed {removed}");
            return ExitCodes.Matched;
        });
        return command;
    }
}
