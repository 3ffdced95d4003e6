using System.Net;
using Cryptshare.Topology.Input;
using Cryptshare.Topology.Model;

namespace Cryptshare.Topology.RuleSets;

/// <summary>
/// Loads <c>NN-name.nft</c> with its optional <c>NN-name.expect.yml</c> and
/// <c>NN-name.host.nft</c> (the server's own firewall). The nft text itself is checked by nft when
/// it is loaded; here only the expectation file is read, every line against the catalog.
/// </summary>
public static class RuleSetLoader
{
    public const string RuleSetExtension = ".nft";
    public const string HostFirewallSuffix = ".host.nft";
    public const string ExpectationSuffix = ".expect.yml";

    /// <summary>Every rule set of a library folder, in file-name order.</summary>
    public static IReadOnlyList<RuleSet> LoadLibrary(string folder, FlowCatalog catalog) =>
        Directory.EnumerateFiles(folder, "*" + RuleSetExtension)
            .Where(f => !f.EndsWith(HostFirewallSuffix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(f => Load(f, catalog))
            .ToList();

    /// <summary>The file beside a rule set with the given suffix (".expect.yml", ".host.nft").</summary>
    public static string CompanionFile(string ruleSetPath, string suffix) =>
        Path.Combine(Path.GetDirectoryName(ruleSetPath) ?? ".", Path.GetFileNameWithoutExtension(ruleSetPath)) + suffix;

    public static RuleSet Load(string path, FlowCatalog catalog)
    {
        var text = YamlInput.ReadText(path);
        // The expectation and host-firewall files sit beside the rule set under its name without
        // the extension: 01-documented.nft → 01-documented.expect.yml; acme.rules → acme.expect.yml.
        var stem = Path.Combine(Path.GetDirectoryName(path) ?? ".", Path.GetFileNameWithoutExtension(path));
        var name = Path.GetFileName(stem);
        var hostFile = stem + HostFirewallSuffix;
        var hostFirewall = File.Exists(hostFile) ? File.ReadAllText(hostFile) : null;
        var expectFile = stem + ExpectationSuffix;
        if (!File.Exists(expectFile))
        {
            return new RuleSet(name, path, text, null, new Dictionary<string, IPAddress>(), hostFirewall);
        }

        var (expectations, via) = ReadExpectations(expectFile, File.ReadAllText(expectFile), catalog);
        return new RuleSet(name, path, text, expectations, via, hostFirewall);
    }

    public static (IReadOnlyDictionary<string, Verdict> Expectations, IReadOnlyDictionary<string, IPAddress> Via) ReadExpectations(
        string file, string text, FlowCatalog catalog)
    {
        var yaml = YamlInput.Parse(file, text);
        var expectations = new Dictionary<string, Verdict>();
        var expectNode = yaml.Mapping(yaml.Required(yaml.Root, "expect", "expectations"), "expect");
        foreach (var (key, keyNode, value) in yaml.Entries(expectNode, "expect"))
        {
            var parts = key.Split('/');
            if (parts.Length != 2)
            {
                throw yaml.Error(keyNode, $"expect: '{key}' should be flow-id/from-zone, e.g. ui-https/internet");
            }

            var flow = catalog.Find(parts[0]) ?? throw yaml.Error(keyNode, $"expect: unknown flow id '{parts[0]}'");
            if (!flow.From.Contains(parts[1]))
            {
                throw yaml.Error(keyNode, $"expect: flow '{flow.Id}' is not probed from '{parts[1]}' (from: {string.Join(", ", flow.From)})");
            }

            var word = yaml.Scalar(value, $"expect.{key}");
            if (!VerdictWords.TryParse(word, out var verdict))
            {
                throw yaml.Error(value, $"expect.{key}: '{word}' is not a verdict ({VerdictWords.AllWords})");
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
                    throw yaml.Error(roleNode, $"via: unknown zone role '{role}'");
                }

                var addressText = yaml.Scalar(addressNode, $"via.{role}");
                via[role] = IPAddress.TryParse(addressText, out var address)
                    ? address
                    : throw yaml.Error(addressNode, $"via.{role}: '{addressText}' is not an IP address");
            }
        }

        return (expectations, via);
    }
}
