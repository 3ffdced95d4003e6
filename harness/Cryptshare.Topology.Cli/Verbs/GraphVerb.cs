using System.CommandLine;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.Reports;
using Cryptshare.Topology.Runs;

namespace Cryptshare.Topology.Cli.Verbs;

/// <summary>`graph`: the topology as an SVG picture, from the topology file alone (nothing is started, no Docker needed).</summary>
internal static class GraphVerb
{
    public static Command Create()
    {
        var topologyOption = PathOptions.File("--topology", "The topology file (zones, subnets, hosts, addresses). Default: fixtures/topologies/default.yml.");
        var outOption = PathOptions.File("--out", "Where to write the SVG. Default: standard output.", "FILE.svg");
        var command = new Command("graph", "Draw the topology as SVG — zones with their subnets, hosts with name, address and kind, the firewall and its interfaces — without starting anything.")
        {
            topologyOption,
            outOption,
        };
        command.SetAction(async (parseResult, ct) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var topology = MatrixInputs.LoadTopology(parseResult.GetValue(topologyOption)?.FullName, FlowCatalog.Load(MatrixInputs.CatalogPath));
            var svg = TopologySvg.Render(topology);
            if (parseResult.GetValue(outOption)?.FullName is not { } given)
            {
                await output.WriteLineAsync(svg.AsMemory(), ct);
                return ExitCodes.Matched;
            }

            var path = OutputPaths.FileToWrite(given);
            OutputPaths.Write(path, svg);
            await output.WriteLineAsync($"wrote {path}: topology '{topology.Name}', {topology.Zones.Count} zones, {topology.Hosts.Count} hosts");
            return ExitCodes.Matched;
        });
        return command;
    }
}
