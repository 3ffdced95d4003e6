using System.Text.RegularExpressions;
using Cryptshare.Topology.Input;

namespace Cryptshare.Topology.RuleSets;

/// <summary>One file as staged for nft: its path in the sandbox, its text, and the name the user knows it by.</summary>
public sealed record StagedFile(string Path, string Text, string UserName);

/// <summary>
/// A rule file and the files it includes, laid out for nft under one folder of a sandbox (the
/// firewall's nft jail, or the private root of a mount namespace) with every include rewritten to
/// that folder; and nft's messages about them turned back into the user's file names, with control
/// characters removed and over-long lines cut. nft never sees a path the user wrote.
/// </summary>
public sealed partial class StagedRuleFiles
{
    /// <summary>Longest line of nft's message passed on (nft quotes the offending line, and a rule file may hold a line of megabytes).</summary>
    public const int MaxMessageLine = 400;

    private readonly string _userFolder;

    private StagedRuleFiles(string sourceFile, string folder, IReadOnlyList<StagedFile> files, bool mainIsWrapper)
    {
        SourceFile = sourceFile;
        Folder = folder;
        Files = files;
        MainIsWrapper = mainIsWrapper;
        _userFolder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(sourceFile)) ?? ".";
    }

    /// <summary>The user's rule file, as messages name it.</summary>
    public string SourceFile { get; }

    /// <summary>The folder in the sandbox that holds the staged files.</summary>
    public string Folder { get; }

    /// <summary>Every staged file; the first is the one nft is given.</summary>
    public IReadOnlyList<StagedFile> Files { get; }

    /// <summary>The staged file nft is given.</summary>
    public string MainPath => Files[0].Path;

    /// <summary>The main file is the harness's own wrapper around the user's (the host firewall's input chain).</summary>
    private bool MainIsWrapper { get; }

    /// <summary>A rule set's files (its own text, or <paramref name="text"/> in its place, e.g. a translation, which includes nothing) staged under <paramref name="folder"/>.</summary>
    public static StagedRuleFiles Of(RuleSet ruleSet, string folder, string? text = null) =>
        Of(ruleSet.SourceFile, text ?? ruleSet.Text, text is null ? ruleSet.Includes : [], folder);

    /// <summary>
    /// Stages <paramref name="text"/> (named <paramref name="sourceFile"/>) and its resolved
    /// <paramref name="includes"/> under <paramref name="folder"/>. The rule file keeps its own
    /// name there when nft can take it in an include string, else it is staged as <c>rules.nft</c>.
    /// </summary>
    public static StagedRuleFiles Of(string sourceFile, string text, IReadOnlyList<IncludedFile> includes, string folder)
    {
        var name = System.IO.Path.GetFileName(sourceFile);
        if (!PlainFileName().IsMatch(name) || includes.Any(i => i.RelativePath == name))
        {
            name = "rules.nft";
        }

        var userFolder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(sourceFile)) ?? ".";
        var files = new List<StagedFile> { new($"{folder}/{name}", RuleFileIncludes.Rewrite(text, folder), sourceFile) };
        files.AddRange(includes.Select(i => new StagedFile($"{folder}/{i.RelativePath}", RuleFileIncludes.Rewrite(i.Text, folder), System.IO.Path.Combine(userFolder, i.RelativePath))));
        return new StagedRuleFiles(sourceFile, folder, files, mainIsWrapper: false);
    }

    /// <summary>
    /// The server's host firewall (statements of its input chain, <paramref name="sourceFile"/>)
    /// inside the harness's <paramref name="wrapper"/>, which includes them from
    /// <paramref name="includedAs"/>: staged as the server container loads them.
    /// </summary>
    public static StagedRuleFiles OfHostFirewall(string sourceFile, string statements, string wrapper, string includedAs, string folder)
    {
        var relative = includedAs.TrimStart('/');
        var files = new List<StagedFile>
        {
            new($"{folder}/host-firewall-wrapper.nft", wrapper.Replace($"\"{includedAs}\"", $"\"{folder}/{relative}\"", StringComparison.Ordinal), "the server's host firewall table"),
            new($"{folder}/{relative}", statements, sourceFile),
        };
        return new StagedRuleFiles(sourceFile, folder, files, mainIsWrapper: true);
    }

    /// <summary>
    /// nft's message as the user should read it: staged paths replaced by the user's file names,
    /// lines about the harness's own wrapper files left out (those of <paramref name="wrappers"/>,
    /// and the main file when it is a wrapper), control characters and escape sequences removed,
    /// over-long lines cut.
    /// </summary>
    public string ForUser(string nftMessage, params string[] wrappers)
    {
        var harnessFiles = MainIsWrapper ? [.. wrappers, MainPath + ":"] : wrappers;
        var byLength = Files.OrderByDescending(f => f.Path.Length).ToList();
        var lines = Printable.Strip(nftMessage).Split('\n')
            .Where(line => !(line.StartsWith("In file included from", StringComparison.Ordinal) && harnessFiles.Any(w => line.Contains(w, StringComparison.Ordinal))))
            .Select(line => byLength.Aggregate(line, (l, f) => l.Replace(f.Path, f.UserName, StringComparison.Ordinal)))
            .Select(line => line.Replace(Folder + "/", _userFolder + "/", StringComparison.Ordinal));
        return Printable.ShortLines(string.Join('\n', lines), MaxMessageLine).TrimEnd();
    }

    /// <summary>The line nft names first in its message about the user's rule file (<c>file:LINE:col: Error</c>), or 0.</summary>
    public int FirstLine(string userMessage)
    {
        var match = Regex.Match(userMessage, Regex.Escape(SourceFile) + @":(\d+):");
        return match.Success ? int.Parse(match.Groups[1].Value) : 0;
    }

    [GeneratedRegex(@"\A[A-Za-z0-9._+-]+\z")]
    private static partial Regex PlainFileName();
}
