using System.Text;
using System.Text.RegularExpressions;
using Cryptshare.Topology.Input;

namespace Cryptshare.Topology.RuleSets;

/// <summary>A file a rule set includes: its path relative to the rule file's folder, and its text.</summary>
public sealed record IncludedFile(string RelativePath, string Text);

/// <summary>
/// A rule file is untrusted input: its <c>include</c> statements may name only files in the rule
/// file's own folder (or below it), by a path relative to that folder, as the customer's own
/// machine would have them beside the file. An absolute path, a path that leaves the folder (by
/// <c>..</c> or by a symbolic link), a missing file or a cycle is refused with file, line and reason,
/// before nft ever runs; so nft never reads, and never quotes in a message, any file but these.
/// Every other path a rule file names is left to nft, which runs where only these files are.
/// </summary>
public static class RuleFileIncludes
{
    /// <summary>nft's own limit on nested includes.</summary>
    public const int MaxDepth = 16;

    /// <summary>Every file <paramref name="ruleFile"/> includes, directly or through others, each once, in the order found.</summary>
    public static IReadOnlyList<IncludedFile> Resolve(string ruleFile, string text)
    {
        var includes = NftIncludes.Find(text);
        if (includes.Count == 0)
        {
            return [];
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(ruleFile))!;
        var found = new List<IncludedFile>();
        Follow(ruleFile, includes, folder, RealPath(folder), found, [Path.GetFullPath(ruleFile)]);
        return found;
    }

    /// <summary>An include path written for the folder the rule set was staged in (<paramref name="stagedFolder"/>): what nft is given instead of the user's path.</summary>
    public static string Rewrite(string text, string stagedFolder)
    {
        var includes = NftIncludes.Find(text);
        if (includes.Count == 0)
        {
            return text;
        }

        var rewritten = new StringBuilder(text.Length + (includes.Count * stagedFolder.Length));
        var at = 0;
        foreach (var include in includes)
        {
            rewritten.Append(text, at, include.PathStart - at).Append(stagedFolder).Append('/').Append(Normalized(include.Path));
            at = include.PathStart + include.PathLength;
        }

        return rewritten.Append(text, at, text.Length - at).ToString();
    }

    private static void Follow(string file, IReadOnlyList<NftInclude> includes, string folder, string realFolder, List<IncludedFile> found, List<string> stack)
    {
        foreach (var include in includes)
        {
            InputException Refuse(string reason) => new(file, include.Line, $"include \"{Printable.Visible(include.Path)}\": {reason}");

            var relative = Normalized(include.Path);
            if (include.Path.Length == 0)
            {
                throw Refuse("an empty path");
            }

            if (include.Path.StartsWith('/'))
            {
                throw Refuse($"an absolute path; a rule file may include only files in its own folder ({folder}), by a path relative to it");
            }

            if (include.Path.Any(c => char.IsControl(c) || c == '\\'))
            {
                throw Refuse("the path holds a control character or a backslash");
            }

            var full = Path.GetFullPath(Path.Combine(folder, relative));
            if (!full.StartsWith(folder + "/", StringComparison.Ordinal))
            {
                throw Refuse($"the path leaves the rule file's folder ({folder}); a rule file may include only files in it or below it");
            }

            var directory = Path.GetDirectoryName(full)!;
            var name = Path.GetFileName(full);
            if (relative.Contains('[') || Path.GetDirectoryName(relative)!.IndexOfAny(['*', '?']) >= 0)
            {
                throw Refuse("only * and ? are read as wildcards, and only in the file name");
            }

            var isGlob = name.IndexOfAny(['*', '?']) >= 0;
            var matches = !isGlob
                ? File.Exists(full) ? [full] : throw Refuse($"no such file in the rule file's folder ({folder})")
                : Directory.Exists(directory)
                    ? Directory.EnumerateFiles(directory).Where(f => Glob(name).IsMatch(Path.GetFileName(f))).Order(StringComparer.Ordinal).ToList()
                    : []; // as for nft, a wildcard that matches nothing includes nothing

            foreach (var match in matches)
            {
                string real;
                try
                {
                    real = RealPath(match);
                }
                catch (IOException)
                {
                    throw Refuse($"{Path.GetRelativePath(folder, match)} is a symbolic link that does not resolve");
                }

                if (!real.StartsWith(realFolder + "/", StringComparison.Ordinal))
                {
                    throw Refuse($"{Path.GetRelativePath(folder, match)} is a link to a file outside the rule file's folder ({folder})");
                }

                if (stack.Contains(match))
                {
                    throw Refuse("the file includes itself (through " + string.Join(" → ", stack.Select(Path.GetFileName)) + ")");
                }

                if (stack.Count >= MaxDepth)
                {
                    throw Refuse($"includes nested deeper than {MaxDepth}, nft's limit");
                }

                var matchRelative = Path.GetRelativePath(folder, match);
                if (found.Any(f => f.RelativePath == matchRelative))
                {
                    continue;
                }

                string text;
                try
                {
                    text = File.ReadAllText(match);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw Refuse($"{matchRelative} cannot be read ({e.GetType().Name.Replace("Exception", string.Empty)})");
                }

                found.Add(new IncludedFile(matchRelative, text));
                Follow(match, NftIncludes.Find(text), folder, realFolder, found, [.. stack, match]);
            }
        }
    }

    /// <summary><c>./a/b</c> and <c>a//b</c> as <c>a/b</c>: the path as it is staged beside the rule file.</summary>
    private static string Normalized(string path) =>
        string.Join('/', path.Split('/').Where(part => part.Length > 0 && part != "."));

    /// <summary>The path with every symbolic link on it resolved (what the kernel would open).</summary>
    private static string RealPath(string path)
    {
        var real = "/";
        foreach (var part in Path.GetFullPath(path).Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(real, part);
            var info = new FileInfo(next);
            real = info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target
                ? RealPath(target.FullName)
                : next;
        }

        return real;
    }

    /// <summary>A file-name wildcard (<c>*</c>, <c>?</c>) as glob(3) reads it for nft: hidden files only for a pattern that starts with a dot.</summary>
    private static Regex Glob(string pattern) =>
        new("\\A" + (pattern.StartsWith('.') ? string.Empty : "(?!\\.)") + Regex.Escape(pattern).Replace("\\*", ".*").Replace("\\?", ".") + "\\z");
}
