using System.CommandLine;
using Cryptshare.Topology.Cli.Matrix;
using Cryptshare.Topology.Input;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.Reports;

namespace Cryptshare.Topology.Cli.Verbs;

/// <summary>`graph`: the topology as an SVG picture, from the topology file alone (nothing is started, no Docker needed).</summary>
internal static class GraphVerb
{
    public static Command Create()
    {
        var topologyOption = new Option<FileInfo?>("--topology")
        {
            Description = "The topology file (zones, subnets, hosts, addresses). Default: fixtures/topologies/default.yml.",
            HelpName = "FILE",
        };
        var outOption = new Option<FileInfo?>("--out")
        {
            Description = "Where to write the SVG. Default: standard output.",
            HelpName = "FILE.svg",
        };
        var command = new Command("graph", "Draw the topology as SVG — zones with their subnets, hosts with name, address and kind, the firewall and its interfaces — without starting anything.")
        {
            topologyOption,
            outOption,
        };
        command.SetAction(async (parseResult, ct) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            TopologyDefinition topology;
            try
            {
                var catalog = FlowCatalog.Load(MatrixInputs.CatalogPath);
                topology = TopologyLoader.Load(parseResult.GetValue(topologyOption)?.FullName ?? MatrixInputs.DefaultTopologyPath, catalog);
            }
            catch (InputException e)
            {
                await error.WriteLineAsync(e.Message);
                return ExitCodes.BadInput;
            }

            var svg = TopologySvg.Render(topology);
            if (parseResult.GetValue(outOption)?.FullName is not { } path)
            {
                await output.WriteLineAsync(svg.AsMemory(), ct);
                return ExitCodes.Matched;
            }

            await File.WriteAllTextAsync(path, svg, ct);
            await output.WriteLineAsync($"wrote {path}: topology '{topology.Name}', {topology.Zones.Count} zones, {topology.Hosts.Count} hosts");
            return ExitCodes.Matched;
        });
        return command;
    }
}
