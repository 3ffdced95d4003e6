using System.Net;
using Cryptshare.Topology.Input;
using Cryptshare.Topology.Model;

namespace Cryptshare.Topology.RuleSets;

/// <summary>
/// Loads <c>NN-name.nft</c> (or <c>NN-name.rules</c>, an iptables-save file) with its optional
/// <c>NN-name.expect.yml</c> and the server's own firewall: <c>NN-name.host.nft</c> (statements of
/// its input chain, or a whole ruleset with tables of its own) or <c>NN-name.host.rules</c>
/// (iptables-save). The rule text itself is checked by nft when it is loaded; here only the
/// expectation file is read, every line against the catalog.
/// </summary>
public static class RuleSetLoader
{
    public const string RuleSetExtension = ".nft";

    /// <summary>A rule set that is iptables-save output by its name (any name works: the sections say what a file is).</summary>
    public const string IptablesExtension = ".rules";

    public const string HostFirewallSuffix = ".host.nft";

    /// <summary>The server's host firewall as iptables-save output.</summary>
    public const string IptablesHostFirewallSuffix = ".host.rules";

    public const string ExpectationSuffix = ".expect.yml";

    private static readonly string[] HostFirewallSuffixes = [HostFirewallSuffix, IptablesHostFirewallSuffix];

    /// <summary>Every rule set of a library folder, in file-name order.</summary>
    public static IReadOnlyList<RuleSet> LoadLibrary(string folder, FlowCatalog catalog) =>
        LibraryFiles(folder).Select(f => Load(f, catalog)).ToList();

    /// <summary>The rule-set files of a library folder (<c>*.nft</c> and <c>*.rules</c>, host firewalls left out: each comes with its rule set), in file-name order.</summary>
    public static IReadOnlyList<string> LibraryFiles(string folder) =>
        Directory.EnumerateFiles(folder, "*" + RuleSetExtension)
            .Concat(Directory.EnumerateFiles(folder, "*" + IptablesExtension))
            .Where(f => !IsHostFirewallFile(f))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>The file beside a rule set with the given suffix (".expect.yml", ".host.nft").</summary>
    public static string CompanionFile(string ruleSetPath, string suffix) =>
        Path.Combine(Path.GetDirectoryName(ruleSetPath) ?? ".", Path.GetFileNameWithoutExtension(ruleSetPath)) + suffix;

    /// <summary>
    /// The rule sets named on a command line, in order. A host firewall file named together with
    /// its rule set (as a shell's <c>*.nft</c> names <c>10-host-firewall.host.nft</c> beside
    /// <c>10-host-firewall.nft</c>) comes along with that rule set and is not one of its own.
    /// </summary>
    public static IReadOnlyList<RuleSet> LoadAll(IReadOnlyList<string> paths, FlowCatalog catalog) =>
        WithoutCompanionHostFirewalls(paths).Select(p => Load(p, catalog)).ToList();

    /// <summary>The paths without host-firewall files whose rule set is named too (a shell's <c>*.nft</c>): each comes along with its rule set.</summary>
    public static IReadOnlyList<string> WithoutCompanionHostFirewalls(IReadOnlyList<string> paths)
    {
        var named = paths.Select(Path.GetFullPath).ToHashSet();
        return paths.Where(p => !(IsHostFirewallFile(p) && RuleSetsOfHostFirewall(p).Any(r => named.Contains(Path.GetFullPath(r))))).ToList();
    }

    public static RuleSet Load(string path, FlowCatalog catalog)
    {
        if (IsHostFirewallFile(path) && RuleSetsOfHostFirewall(path).FirstOrDefault(File.Exists) is { } ruleSetFile)
        {
            var what = RuleSetFormat.OfHostFirewall(ReadRuleText(path, mayBeEmpty: true)) switch
            {
                HostFirewallFormat.NftRuleset => "a whole ruleset",
                HostFirewallFormat.IptablesSave => "iptables-save output",
                _ => "statements of its input chain",
            };
            throw new InputException(path, 0, $"the server's host firewall ({what}), not a rule set: give {Path.GetFileName(ruleSetFile)} beside it, which brings it along");
        }

        var text = ReadRuleText(path);
        var includes = RuleSetFormat.IsIptablesSave(text) ? [] : RuleFileIncludes.Resolve(path, text);
        // The expectation and host-firewall files sit beside the rule set under its name without
        // the extension: 01-documented.nft → 01-documented.expect.yml; acme.rules → acme.expect.yml.
        var stem = Path.Combine(Path.GetDirectoryName(path) ?? ".", Path.GetFileNameWithoutExtension(path));
        var name = Path.GetFileName(stem);
        var hostFile = HostFirewallOf(stem);
        var hostFirewall = hostFile is null ? null : ReadHostFirewall(hostFile);
        var expectFile = stem + ExpectationSuffix;
        if (!File.Exists(expectFile))
        {
            return new RuleSet(name, path, text, null, new Dictionary<string, IPAddress>(), hostFirewall) { Includes = includes, HostFirewallFile = hostFile };
        }

        var (expectations, via) = ReadExpectations(expectFile, File.ReadAllText(expectFile), catalog);
        return new RuleSet(name, path, text, expectations, via, hostFirewall) { Includes = includes, HostFirewallFile = hostFile };
    }

    /// <summary>The host firewall file beside a rule set (its path without extension): <c>.host.nft</c> or <c>.host.rules</c>; both at once is ambiguous.</summary>
    private static string? HostFirewallOf(string stem)
    {
        var found = HostFirewallSuffixes.Select(suffix => stem + suffix).Where(File.Exists).ToList();
        return found.Count switch
        {
            0 => null,
            1 => found[0],
            _ => throw new InputException(found[1], 0, $"a second host firewall for the same rule set beside {Path.GetFileName(found[0])}: the server runs one; keep one of the two"),
        };
    }

    /// <summary>
    /// A rule file's text: refused when empty (no rules at all lets every flow through: most likely
    /// a failed export) or binary (a NUL character: not nftables or iptables-save text).
    /// </summary>
    public static string ReadRuleText(string path, bool mayBeEmpty = false)
    {
        var text = YamlInput.ReadText(path);
        if (!mayBeEmpty && string.IsNullOrWhiteSpace(text))
        {
            throw new InputException(path, 0, "the rule file is empty; give the output of `nft list ruleset` or of `iptables-save`");
        }

        var nul = text.IndexOf('\0');
        if (nul >= 0)
        {
            throw new InputException(path, 1 + text.AsSpan(0, nul).Count('\n'), "a binary file (a NUL character), not nftables or iptables-save text");
        }

        return text;
    }

    /// <summary>
    /// The server's host firewall: statements of one input chain (included by the server's own
    /// wrapper, containers/cryptshare-server/host-firewall.nft), a whole ruleset, or iptables-save
    /// output, told apart by what the file holds (<see cref="RuleSetFormat.OfHostFirewall"/>), as
    /// for a rule set; <c>.host.rules</c> is the name for iptables-save. The server loads the one
    /// file alone, so an include is refused.
    /// </summary>
    private static string ReadHostFirewall(string path)
    {
        var text = ReadRuleText(path, mayBeEmpty: true); // no statements: a host firewall that lets everything in
        if (!RuleSetFormat.IsIptablesSave(text) && NftIncludes.Find(text) is [var include, ..])
        {
            throw new InputException(path, include.Line, RuleSetFormat.IsWholeRuleset(text)
                ? $"include \"{Printable.Visible(include.Path)}\": the server loads its host firewall file alone; write the included rules here instead"
                : $"include \"{Printable.Visible(include.Path)}\": a host firewall file holds the statements of the server's input chain; write them here instead of including them");
        }

        return text;
    }

    private static bool IsHostFirewallFile(string path) => HostFirewallSuffixes.Any(suffix => path.EndsWith(suffix, StringComparison.Ordinal));

    /// <summary>The rule-set files a host firewall file may belong to (<c>NAME.nft</c>, <c>NAME.rules</c>).</summary>
    private static IEnumerable<string> RuleSetsOfHostFirewall(string hostFile)
    {
        var stem = hostFile[..^HostFirewallSuffixes.First(suffix => hostFile.EndsWith(suffix, StringComparison.Ordinal)).Length];
        return [stem + RuleSetExtension, stem + IptablesExtension];
    }

    public static (IReadOnlyDictionary<string, Verdict> Expectations, IReadOnlyDictionary<string, IPAddress> Via) ReadExpectations(
        string file, string text, FlowCatalog catalog)
    {
        var yaml = YamlInput.Parse(file, text);
        yaml.OnlyKeys(yaml.Root, "expectations", "expect", "via");
        var expectations = new Dictionary<string, Verdict>();
        var expectNode = yaml.Mapping(yaml.Required(yaml.Root, "expect", "expectations"), "expect");
        foreach (var (key, keyNode, value) in yaml.Entries(expectNode, "expect"))
        {
            var parts = key.Split('/');
            if (parts.Length != 2)
            {
                throw yaml.Error(keyNode, $"expect: '{Printable.Visible(key)}' should be flow-id/from-zone, e.g. ui-https/internet");
            }

            var flow = catalog.Find(parts[0]) ?? throw yaml.Error(keyNode, $"expect: unknown flow id '{Printable.Visible(parts[0])}'{(NearestWord.Find(parts[0], catalog.Flows.Select(f => f.Id)) is { } nearest ? $"; did you mean `{nearest}`?" : string.Empty)}");
            if (!flow.From.Contains(parts[1]))
            {
                throw yaml.Error(keyNode, $"expect: flow '{flow.Id}' is not probed from '{Printable.Visible(parts[1])}' (from: {string.Join(", ", flow.From)})");
            }

            var word = yaml.Scalar(value, $"expect.{key}");
            if (!VerdictWords.TryParse(word, out var verdict))
            {
                throw yaml.Error(value, $"expect.{key}: '{Printable.Visible(word)}' is not a verdict ({VerdictWords.ExpectableWords})");
            }

            if (!verdict.IsTested())
            {
                throw yaml.Error(value, $"expect.{key}: '{word}' is what a run records when a host failed, not something a firewall does; expect one of {VerdictWords.ExpectableWords}");
            }

            expectations[key] = verdict;
        }

        var via = new Dictionary<string, IPAddress>();
        if (yaml.Optional(yaml.Root, "via") is { } viaNode)
        {
            foreach (var (role, roleNode, addressNode) in yaml.Entries(yaml.Mapping(viaNode, "via"), "via"))
            {
                if (!ZoneRoles.All.Contains(role))
                {
                    throw yaml.Error(roleNode, $"via: unknown zone role '{Printable.Visible(role)}' (known: {string.Join(", ", ZoneRoles.All)})");
                }

                via[role] = yaml.Ipv4Address(addressNode, $"via.{role}");
            }
        }

        return (expectations, via);
    }
}
