using System.CommandLine;
using System.CommandLine.Parsing;

namespace Cryptshare.Topology.Cli;

/// <summary>
/// Options that name files and folders. An empty or unusable path is a usage error at parse time
/// (exit 2, naming the option), not an exception when the verb reads the value.
/// </summary>
internal static class PathOptions
{
    public static Option<FileInfo?> File(string name, string description, string helpName = "FILE") => new(name)
    {
        Description = description,
        HelpName = helpName,
        CustomParser = result => Path(result, name, p => new FileInfo(p)),
    };

    public static Option<FileInfo[]> Files(string name, string description, string helpName = "FILE") => new(name)
    {
        Description = description,
        HelpName = helpName,
        AllowMultipleArgumentsPerToken = true,
        CustomParser = result => result.Tokens.Select(t => Checked(result, name, t.Value, p => new FileInfo(p))).OfType<FileInfo>().ToArray(),
    };

    public static Option<DirectoryInfo> Folder(string name, string description, string defaultPath, string helpName = "DIR") => new(name)
    {
        Description = description,
        HelpName = helpName,
        DefaultValueFactory = _ => new DirectoryInfo(defaultPath),
        CustomParser = result => Path(result, name, p => new DirectoryInfo(p)) ?? new DirectoryInfo(defaultPath),
    };

    private static T? Path<T>(ArgumentResult result, string name, Func<string, T> create)
        where T : class =>
        result.Tokens.Count == 1 ? Checked(result, name, result.Tokens[0].Value, create) : null;

    private static T? Checked<T>(ArgumentResult result, string name, string path, Func<string, T> create)
        where T : class
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            result.AddError($"{name}: an empty path; give one");
            return null;
        }

        try
        {
            return create(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            result.AddError($"{name}: '{path}' is not a usable path ({e.Message})");
            return null;
        }
    }
}
