using Cryptshare.Topology.Input;
using Cryptshare.Topology.Model;

namespace Cryptshare.Topology.Flows;

/// <summary>The flow catalog, loaded from data (fixtures/flows/catalog.yml) and checked.</summary>
public sealed class FlowCatalog
{
    private readonly Dictionary<string, FlowDefinition> _byId;

    public FlowCatalog(IReadOnlyList<FlowDefinition> flows)
    {
        Flows = flows;
        _byId = flows.ToDictionary(f => f.Id);
    }

    public IReadOnlyList<FlowDefinition> Flows { get; }

    public FlowDefinition? Find(string id) => _byId.GetValueOrDefault(id);

    public FlowDefinition Get(string id) => _byId[id];

    public static FlowCatalog Load(string path) => Parse(path, YamlInput.ReadText(path));

    public static FlowCatalog Parse(string file, string text)
    {
        var yaml = YamlInput.Parse(file, text);
        var list = yaml.Required(yaml.Root, "flows", "catalog") as YamlDotNet.RepresentationModel.YamlSequenceNode
            ?? throw yaml.Error(yaml.Root, "flows: expected a list of flows");
        var flows = new List<FlowDefinition>();
        foreach (var node in list.Children)
        {
            var map = yaml.Mapping(node, "flows[]");
            var id = yaml.String(map, "id", "flows[]");
            var where = $"flows.{id}";
            if (flows.Any(f => f.Id == id))
            {
                throw yaml.Error(map, $"{where}: flow id given twice");
            }

            var protocolNode = yaml.Required(map, "protocol", where);
            var protocol = yaml.Scalar(protocolNode, where + ".protocol");
            if (!FlowProtocols.All.Contains(protocol))
            {
                throw yaml.Error(protocolNode, $"{where}.protocol: unknown protocol '{protocol}' (known: {string.Join(", ", FlowProtocols.All)})");
            }

            var requiredNode = yaml.Required(map, "required", where);
            var required = yaml.Scalar(requiredNode, where + ".required");
            if (!DeploymentProfile.RequirementWords.Contains(required))
            {
                throw yaml.Error(requiredNode, $"{where}.required: unknown requirement '{required}' (known: {string.Join(", ", DeploymentProfile.RequirementWords)})");
            }

            var from = yaml.List(map, "from", where);
            var closedFrom = yaml.List(map, "closedFrom", where);
            foreach (var role in from.Concat(closedFrom).Where(r => !ZoneRoles.All.Contains(r)))
            {
                throw yaml.Error(map, $"{where}: unknown zone role '{role}' (known: {string.Join(", ", ZoneRoles.All)})");
            }

            if (from.Count == 0)
            {
                throw yaml.Error(map, $"{where}.from: a flow is probed from at least one zone");
            }

            flows.Add(new FlowDefinition(
                id,
                yaml.Port(yaml.Required(map, "port", where), where + ".port"),
                protocol,
                yaml.String(map, "direction", where),
                from,
                required,
                closedFrom,
                yaml.OptionalString(map, "purpose", where) ?? string.Empty,
                yaml.OptionalString(map, "breaks", where) ?? string.Empty));
        }

        if (flows.Count == 0)
        {
            throw yaml.Error(list, "flows: the catalog is empty");
        }

        return new FlowCatalog(flows);
    }
}
