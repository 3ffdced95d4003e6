using Cryptshare.Topology.Input;

namespace Cryptshare.Topology.Model;

/// <summary>The flow catalog, loaded from data (fixtures/flows/catalog.yml) and checked.</summary>
public sealed partial class FlowCatalog
{
    private readonly Dictionary<string, FlowDefinition> _byId;

    public FlowCatalog(IReadOnlyList<FlowDefinition> flows, IReadOnlyList<ProxyProfile>? proxyProfiles = null)
    {
        Flows = flows;
        ProxyProfiles = proxyProfiles ?? [];
        _byId = flows.ToDictionary(f => f.Id);
    }

    public IReadOnlyList<FlowDefinition> Flows { get; }

    /// <summary>The reverse-proxy profiles a topology may give a reverse-proxy host (catalog section <c>proxyProfiles</c>).</summary>
    public IReadOnlyList<ProxyProfile> ProxyProfiles { get; }

    public ProxyProfile? FindProxyProfile(string name) => ProxyProfiles.FirstOrDefault(p => p.Name == name);

    public FlowDefinition? Find(string id) => _byId.GetValueOrDefault(id);

    public FlowDefinition Get(string id) => _byId[id];

    public static FlowCatalog Load(string path) => Parse(path, YamlInput.ReadText(path));

    public static FlowCatalog Parse(string file, string text)
    {
        var yaml = YamlInput.Parse(file, text);
        yaml.OnlyKeys(yaml.Root, "catalog", "flows", "proxyProfiles");
        var list = yaml.Required(yaml.Root, "flows", "catalog") as YamlDotNet.RepresentationModel.YamlSequenceNode
            ?? throw yaml.Error(yaml.Root, "flows: expected a list of flows");
        var flows = new List<FlowDefinition>();
        foreach (var node in list.Children)
        {
            var map = yaml.Mapping(node, "flows[]");
            var id = yaml.String(map, "id", "flows[]");
            var where = $"flows.{Printable.Visible(id)}";
            if (!FlowId().IsMatch(id))
            {
                throw yaml.Error(map, $"{where}: a flow id is a–z, 0–9 and '-', starting with a letter");
            }

            yaml.OnlyKeys(map, where, "id", "port", "protocol", "direction", "from", "required", "closedFrom", "purpose", "breaks");
            if (flows.Any(f => f.Id == id))
            {
                throw yaml.Error(map, $"{where}: flow id given twice");
            }

            var protocolNode = yaml.Required(map, "protocol", where);
            var protocolWord = yaml.Scalar(protocolNode, where + ".protocol");
            if (!FlowProtocols.TryParse(protocolWord, out var protocol))
            {
                throw yaml.Error(protocolNode, $"{where}.protocol: unknown protocol '{protocolWord}' (known: {string.Join(", ", FlowProtocols.All)})");
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

        return new FlowCatalog(flows, ReadProxyProfiles(yaml));
    }

    private static List<ProxyProfile> ReadProxyProfiles(YamlInput yaml)
    {
        var profiles = new List<ProxyProfile>();
        if (yaml.Optional(yaml.Root, "proxyProfiles") is not { } node)
        {
            return profiles;
        }

        var list = node as YamlDotNet.RepresentationModel.YamlSequenceNode
            ?? throw yaml.Error(node, "proxyProfiles: expected a list of profiles");
        foreach (var item in list.Children)
        {
            var map = yaml.Mapping(item, "proxyProfiles[]");
            var name = yaml.String(map, "name", "proxyProfiles[]");
            if (!FlowId().IsMatch(name))
            {
                throw yaml.Error(map, $"proxyProfiles.{Printable.Visible(name)}: a profile name is a file name: a–z, 0–9 and '-', starting with a letter");
            }

            yaml.OnlyKeys(map, $"proxyProfiles.{name}", "name", "does", "breaks");

            if (profiles.Any(p => p.Name == name))
            {
                throw yaml.Error(map, $"proxyProfiles.{name}: profile given twice");
            }

            profiles.Add(new ProxyProfile(name, yaml.String(map, "does", $"proxyProfiles.{name}"), yaml.OptionalString(map, "breaks", $"proxyProfiles.{name}") ?? string.Empty));
        }

        return profiles;
    }

    /// <summary>Flow ids and proxy profile names (which also name files): \z, not $, which would let a trailing newline through.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"\A[a-z][a-z0-9-]*\z")]
    private static partial System.Text.RegularExpressions.Regex FlowId();
}
