using System.CommandLine;
using Cryptshare.Topology.Runs;
using Cryptshare.Topology.Runs.Live;
using Spectre.Console;

namespace Cryptshare.Topology.Cli.Verbs;

/// <summary>
/// `up`: starts the topology with a rule set loaded and leaves it running for manual work
/// (<see cref="ManualTopology"/>), printing how to get a shell in each host. `down` removes it again.
/// </summary>
internal static class UpVerb
{
    public static Command Create()
    {
        var topology = PathOptions.File("--topology", "Topology file (YAML). Default: the default topology.");
        var rules = PathOptions.File("--rules", "Rule set to load (nftables, or iptables-save as NAME.rules). Default: the documented rule set.");
        var command = new Command("up", "Start the topology with a rule set loaded and leave it running for manual work; `down` removes it.") { topology, rules };
        command.SetAction(async (parse, ct) =>
        {
            // As run prepares it: an iptables-save file is checked and loaded by iptables-restore, not handed to nft.
            var inputs = await RunPipeline.PrepareAsync(
                MatrixInputs.Load(parse.GetValue(topology)?.FullName, parse.GetValue(rules) is { } file ? [file.FullName] : []), ConsoleOutput.Warn, ct);
            var console = ConsoleOutput.Create();
            var up = await ProgressDisplay.RunAsync(console, progress => ManualTopology.UpAsync(inputs, progress, ct));

            var table = new Table { Border = TableBorder.Rounded, Title = new TableTitle($"[bold]{Markup.Escape(up.Topology)}[/] is up with [bold]{Markup.Escape(up.RuleSet)}[/]") };
            table.AddColumns("host", "kind", "zone", "address", "shell");
            foreach (var host in up.Hosts)
            {
                table.AddRow(Markup.Escape(host.Name), Markup.Escape(host.Kind), Markup.Escape(host.Zone), Markup.Escape(host.Address), Markup.Escape(host.Shell));
            }

            console.Write(table);
            console.MarkupLine($"Zones on their own engine-side networks (the hosts carry the zone's addresses; Docker sees only these): {Markup.Escape(string.Join(", ", up.Zones.Select(z => $"{z.Zone} {z.Subnet} on {z.Network} {z.EngineSubnet}")))}");
            console.MarkupLine("The firewall's rules: [bold]nft list ruleset[/] in its shell; trace: [bold]nft monitor trace[/]. Probe from a client: [bold]ctt-probe[/] (JSON batch on stdin).");
            console.MarkupLine($"Remove it with [bold]cryptshare-topology down --run {Markup.Escape(up.RunId)}[/] (or [bold]down[/] for every topology).");
            return ExitCodes.Matched;
        });
        return command;
    }
}
