using Cryptshare.Topology.Fixtures.Engine;
using YamlDotNet.RepresentationModel;

namespace Cryptshare.Topology.Tests.Unit.Model;

/// <summary>
/// One case of the shared bad-input table (tests/Cryptshare.Topology.Tests.Integration/Cli/BadInputs/*.yml):
/// the command line, the files written into the case's folder first, the exit code and the message
/// required. The CLI tests run each as a process; the loaders' unit tests read the same cases.
/// </summary>
public sealed record BadInputCase(string Name, IReadOnlyList<string> Args, IReadOnlyDictionary<string, string> Files, int Exit, string Says, IReadOnlyList<string> Never)
{
    /// <summary>Environment variables for the tool ({dir} and {repo} not yet filled in).</summary>
    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();

    public static string Folder => Path.Combine(RepositoryLayout.Root, "tests", "Cryptshare.Topology.Tests.Integration", "Cli", "BadInputs");

    public static IReadOnlyList<BadInputCase> Read(string fileName)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(Path.Combine(Folder, fileName))));
        return ((YamlSequenceNode)stream.Documents[0].RootNode).Children.Cast<YamlMappingNode>().Select(map => new BadInputCase(
            Text(map, "case"),
            map.Children.TryGetValue(new YamlScalarNode("args"), out var args) ? ((YamlSequenceNode)args).Children.Select(a => ((YamlScalarNode)a).Value!).ToList() : [],
            map.Children.TryGetValue(new YamlScalarNode("files"), out var files) ? ((YamlMappingNode)files).Children.ToDictionary(f => ((YamlScalarNode)f.Key).Value!, f => ((YamlScalarNode)f.Value).Value!) : new Dictionary<string, string>(),
            int.Parse(Text(map, "exit")),
            Text(map, "says"),
            map.Children.TryGetValue(new YamlScalarNode("never"), out var never) ? ((YamlSequenceNode)never).Children.Select(n => ((YamlScalarNode)n).Value!).ToList() : [])
        {
            Env = map.Children.TryGetValue(new YamlScalarNode("env"), out var env) ? ((YamlMappingNode)env).Children.ToDictionary(e => ((YamlScalarNode)e.Key).Value!, e => ((YamlScalarNode)e.Value).Value!) : new Dictionary<string, string>(),
        }).ToList();
    }

    /// <summary>Writes the case's files into <paramref name="folder"/> and returns its arguments with {dir} and {repo} filled in.</summary>
    public IReadOnlyList<string> Prepare(string folder)
    {
        foreach (var (name, text) in Files)
        {
            var path = Path.Combine(folder, name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
        }

        return Args.Select(a => Substitute(a, folder)).ToList();
    }

    public string Substitute(string text, string folder) => text.Replace("{dir}", folder).Replace("{repo}", RepositoryLayout.Root);

    /// <summary>The value after <paramref name="option"/> on the command line, if given.</summary>
    public static string? Option(IReadOnlyList<string> args, string option) =>
        args.Select((a, i) => (a, i)).Where(p => p.a == option && p.i + 1 < args.Count).Select(p => args[p.i + 1]).FirstOrDefault();

    public override string ToString() => Name;

    private static string Text(YamlMappingNode map, string key) => ((YamlScalarNode)map.Children[new YamlScalarNode(key)]).Value!;
}
