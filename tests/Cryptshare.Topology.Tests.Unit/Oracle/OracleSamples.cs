using System.Collections.Concurrent;
using System.Net;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Oracle;

namespace Cryptshare.Topology.Tests.Unit.Oracle;

/// <summary>
/// The sample rule sets: NN-name.nft (source), NN-name.json (what the real nft 1.0.6 printed for it,
/// made by samples/regenerate.sh, never by hand) and NN-name.cases (expected verdicts, one a line;
/// <c>@interface name address/len</c> lines give the routing).
/// </summary>
public static class OracleSamples
{
    private static readonly ConcurrentDictionary<(string, bool), NftOracle> Oracles = new();

    public static string Folder => Path.Combine(RepositoryLayout.Root, "tests", "Cryptshare.Topology.Tests.Unit", "Oracle", "samples");

    public static IEnumerable<string> Names =>
        Directory.GetFiles(Folder, "*.nft").Select(Path.GetFileNameWithoutExtension).Order().Cast<string>();

    public static string Json(string sample) => File.ReadAllText(Path.Combine(Folder, sample + ".json"));

    public static IEnumerable<SampleCase> Cases(string sample)
    {
        var path = Path.Combine(Folder, sample + ".cases");
        if (!File.Exists(path))
        {
            yield break;
        }

        var lines = File.ReadAllLines(path);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#') || line.StartsWith('@'))
            {
                continue;
            }

            yield return SampleCase.Parse(sample, line, i + 1);
        }
    }

    /// <summary>The sample's routing from its <c>@interface</c> lines, or null when it has none.</summary>
    public static StaticRouting? Routing(string sample)
    {
        var path = Path.Combine(Folder, sample + ".cases");
        var interfaces = File.Exists(path)
            ? File.ReadAllLines(path).Where(l => l.StartsWith("@interface ", StringComparison.Ordinal)).ToList()
            : [];
        if (interfaces.Count == 0)
        {
            return null;
        }

        var routing = new StaticRouting();
        foreach (var line in interfaces)
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var slash = words[2].IndexOf('/');
            routing.WithInterface(words[1], IPAddress.Parse(words[2][..slash]), int.Parse(words[2][(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        }

        return routing;
    }

    public static NftOracle Oracle(string sample, bool useIndex = true) =>
        Oracles.GetOrAdd((sample, useIndex), key => NftOracle.FromJson(Json(key.Item1), new OracleOptions
        {
            Routing = Routing(key.Item1),
            UseChainIndex = key.Item2,
        }));
}
