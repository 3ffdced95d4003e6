using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Cryptshare.Topology.Input;

/// <summary>
/// Reads a YAML file node by node, keeping each node's line, so that every error names file,
/// line and field. (Deserializing into classes would lose the lines of the values.)
/// </summary>
public sealed class YamlInput
{
    private YamlInput(string file, YamlMappingNode root)
    {
        File = file;
        Root = root;
    }

    public string File { get; }

    public YamlMappingNode Root { get; }

    public static YamlInput Load(string path) => Parse(path, ReadText(path));

    public static YamlInput Parse(string file, string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new InputException(file, (int)e.Start.Line, "not valid YAML: " + e.Message);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new InputException(file, 1, "expected a YAML mapping at the top");
        }

        return new YamlInput(file, root);
    }

    public static string ReadText(string path)
    {
        if (!System.IO.File.Exists(path))
        {
            throw new InputException(path, 0, "file not found");
        }

        return System.IO.File.ReadAllText(path);
    }

    public InputException Error(YamlNode node, string problem) => new(File, (int)node.Start.Line, problem);

    public YamlNode? Optional(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public YamlNode Required(YamlMappingNode map, string key, string where) =>
        Optional(map, key) ?? throw Error(map, $"{where}: missing field '{key}'");

    public YamlMappingNode Mapping(YamlNode node, string where) =>
        node as YamlMappingNode ?? throw Error(node, $"{where}: expected a mapping");

    public string Scalar(YamlNode node, string where) =>
        node is YamlScalarNode { Value: { } value } ? value : throw Error(node, $"{where}: expected a single value");

    public string String(YamlMappingNode map, string key, string where) => Scalar(Required(map, key, where), $"{where}.{key}");

    public string? OptionalString(YamlMappingNode map, string key, string where) =>
        Optional(map, key) is { } node ? Scalar(node, $"{where}.{key}") : null;

    /// <summary>
    /// Refuses a key of <paramref name="map"/> that is not one of <paramref name="known"/>, naming the
    /// nearest known key: a mistyped key (<c>prots:</c>) would otherwise be ignored and its content
    /// silently lost.
    /// </summary>
    public void OnlyKeys(YamlMappingNode map, string where, params string[] known)
    {
        foreach (var (key, keyNode, _) in Entries(map, where))
        {
            if (!known.Contains(key, StringComparer.Ordinal))
            {
                var hint = NearestWord.Find(key, known) is { } nearest
                    ? $"did you mean `{nearest}`?"
                    : $"known keys: {string.Join(", ", known)}";
                throw Error(keyNode, $"{where}: `{Printable.Visible(key)}`: unknown key; {hint}");
            }
        }
    }

    /// <summary>An IPv4 address in strict dotted decimal (see <see cref="Ipv4Text"/>).</summary>
    public System.Net.IPAddress Ipv4Address(YamlNode node, string where) =>
        Ipv4Text.TryParseAddress(Scalar(node, where), out var address, out var problem) ? address : throw Error(node, $"{where}: {problem}");

    /// <summary>An IPv4 network: its network address (no host bits) and prefix length, in strict dotted decimal.</summary>
    public System.Net.IPNetwork Ipv4Network(YamlNode node, string where) =>
        Ipv4Text.TryParseNetwork(Scalar(node, where), out var network, out var problem) ? network : throw Error(node, $"{where}: {problem}");

    public int Port(YamlNode node, string where)
    {
        var text = Scalar(node, where);
        return text.Length is > 0 and <= 5 && text.All(char.IsAsciiDigit) && text[0] != '0' && int.Parse(text) is var port and < 65536
            ? port
            : throw Error(node, $"{where}: '{Printable.Visible(text)}' is not a port (1–65535)");
    }

    public bool Bool(YamlMappingNode map, string key, string where, bool fallback)
    {
        if (Optional(map, key) is not { } node)
        {
            return fallback;
        }

        var text = Scalar(node, $"{where}.{key}");
        return bool.TryParse(text, out var value) ? value : throw Error(node, $"{where}.{key}: '{Printable.Visible(text)}' is not true or false");
    }

    public IReadOnlyList<string> List(YamlMappingNode map, string key, string where)
    {
        if (Optional(map, key) is not { } node)
        {
            return [];
        }

        return node is YamlSequenceNode sequence
            ? sequence.Children.Select((item, i) => Scalar(item, $"{where}.{key}[{i}]")).ToList()
            : throw Error(node, $"{where}.{key}: expected a list, e.g. [a, b]");
    }

    /// <summary>The entries of a mapping with their key's line, in file order.</summary>
    public IEnumerable<(string Key, YamlNode KeyNode, YamlNode Value)> Entries(YamlMappingNode map, string where) =>
        map.Children.Select(pair => (Scalar(pair.Key, where), pair.Key, pair.Value));
}
