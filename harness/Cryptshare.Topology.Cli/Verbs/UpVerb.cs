using System.CommandLine;
using Cryptshare.Topology.Cli.Matrix;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Fixtures.Firewall;
using Cryptshare.Topology.Fixtures.Topology;
using Cryptshare.Topology.Input;
using Spectre.Console;

namespace Cryptshare.Topology.Cli.Verbs;

/// <summary>
/// `up`: starts the topology with a rule set loaded and leaves it running for manual work, printing
/// how to get a shell in each host. `down` removes it again.
/// </summary>
internal static class UpVerb
{
    public static Command Create()
    {
        var topology = new Option<FileInfo?>("--topology") { Description = "Topology file (YAML). Default: the default topology." };
        var rules = new Option<FileInfo?>("--rules") { Description = "Rule set to load (nftables). Default: the documented rule set." };
        var command = new Command("up", "Start the topology with a rule set loaded and leave it running for manual work; `down` removes it.") { topology, rules };
        command.SetAction(async (parse, ct) =>
        {
            MatrixInputs inputs;
            try
            {
                inputs = MatrixInputs.Load(parse.GetValue(topology), parse.GetValue(rules) is { } file ? [file] : []);
            }
            catch (InputException e)
            {
                await Console.Error.WriteLineAsync(e.Message);
                return ExitCodes.BadInput;
            }

            if (!DockerEngine.IsAvailable)
            {
                await Console.Error.WriteLineAsync(DockerEngine.HowToGetOne);
                return ExitCodes.NoEngine;
            }

            var console = ConsoleOutput.Create();
            try
            {
                // Not disposed on purpose: the containers outlive this process until `down`.
                var live = await LiveTopology.StartAsync(inputs.Topology, inputs.Catalog, new Progress<string>(l => console.MarkupLine($"[grey]{Markup.Escape(l)}[/]")), ct);
                await live.ApplyAsync(inputs.RuleSets[0], ct);
                var table = new Table { Border = TableBorder.Rounded, Title = new TableTitle($"[bold]{Markup.Escape(inputs.Topology.Name)}[/] is up with [bold]{Markup.Escape(inputs.RuleSets[0].Name)}[/]") };
                table.AddColumns("host", "kind", "zone", "address", "shell");
                table.AddRow("firewall", "firewall", string.Join(", ", inputs.Topology.Zones.Select(z => z.Name)), string.Join(", ", inputs.Topology.Zones.Select(z => z.FirewallAddress)), $"docker exec -it {live.Firewall.Name.TrimStart('/')} bash");
                foreach (var host in live.Hosts.Values)
                {
                    table.AddRow(host.Definition.Name, host.Definition.Kind, host.Definition.Zone, host.Definition.Address.ToString(), $"docker exec -it {host.Container.Name.TrimStart('/')} bash");
                }

                console.Write(table);
                console.MarkupLine("The firewall's rules: [bold]nft list ruleset[/] in its shell; trace: [bold]nft monitor trace[/]. Probe from a client: [bold]ctt-probe[/] (JSON batch on stdin).");
                console.MarkupLine($"Remove it with [bold]cryptshare-topology down --run {HarnessLabels.CurrentRun}[/] (or [bold]down[/] for every topology).");
                return ExitCodes.Matched;
            }
            catch (RuleSetRejectedException e)
            {
                await Console.Error.WriteLineAsync(e.Message);
                await HarnessJanitor.RemoveAsync(HarnessLabels.CurrentRun, CancellationToken.None);
                return ExitCodes.BadInput;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                await Console.Error.WriteLineAsync($"cryptshare-topology: the harness failed: {e.Message}");
                await HarnessJanitor.RemoveAsync(HarnessLabels.CurrentRun, CancellationToken.None);
                return ExitCodes.HarnessFailure;
            }
        });
        return command;
    }
}
