namespace Cryptshare.Topology.Tests.Integration.Setup;

/// <summary>
/// Which Debian suites (bookworm, bookworm-security, trixie, …) offer which version of a package,
/// read from <c>apt-cache madison</c>: "name | version | URI suite/component arch Packages" per line.
/// </summary>
internal sealed class PackageSuites
{
    private readonly Dictionary<(string Name, string Version), SortedSet<string>> _suites = [];

    public static string[] Query(IEnumerable<string> packages) => ["apt-cache", "madison", .. packages];

    public static PackageSuites Parse(string madisonOutput)
    {
        var parsed = new PackageSuites();
        foreach (var line in madisonOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split('|', StringSplitOptions.TrimEntries);
            var origin = fields.Length == 3 ? fields[2].Split(' ', StringSplitOptions.RemoveEmptyEntries) : [];
            if (origin.Length < 2)
            {
                continue;
            }

            var key = (fields[0], fields[1]);
            if (!parsed._suites.TryGetValue(key, out var suites))
            {
                parsed._suites[key] = suites = new SortedSet<string>(StringComparer.Ordinal);
            }

            suites.Add(origin[1].Split('/')[0]);
        }

        return parsed;
    }

    /// <summary>The suites offering this version; empty when none does.</summary>
    public IReadOnlySet<string> Of(string name, string version) =>
        _suites.TryGetValue((name, version), out var suites) ? suites : new SortedSet<string>();

    public static bool IsBookworm(string suite) => suite == "bookworm" || suite.StartsWith("bookworm-", StringComparison.Ordinal);
}
