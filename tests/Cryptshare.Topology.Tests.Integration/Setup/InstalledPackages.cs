namespace Cryptshare.Topology.Tests.Integration.Setup;

/// <summary>The packages dpkg lists as installed on a machine, name to version.</summary>
internal sealed class InstalledPackages
{
    /// <summary>The query whose output <see cref="Parse"/> reads: status, name and version per package.</summary>
    public static readonly string[] Query = ["dpkg-query", "-W", "-f", "${db:Status-Abbrev}|${Package}|${Version}\n"];

    private InstalledPackages(IReadOnlyDictionary<string, string> versions) => Versions = versions;

    public IReadOnlyDictionary<string, string> Versions { get; }

    public static InstalledPackages Parse(string queryOutput)
    {
        var versions = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in queryOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split('|');
            // "ii": wanted install, installed. A package dpkg merely remembers (removed, config files) is not installed.
            if (fields.Length == 3 && fields[0].StartsWith("ii", StringComparison.Ordinal))
            {
                versions[fields[1]] = fields[2];
            }
        }

        return new InstalledPackages(versions);
    }

    public string? VersionOf(string name) => Versions.GetValueOrDefault(name);

    /// <summary>Packages installed now that were not installed before, or at another version.</summary>
    public IReadOnlyDictionary<string, string> AddedOrChangedSince(InstalledPackages before) =>
        Versions.Where(p => before.VersionOf(p.Key) != p.Value).ToDictionary(p => p.Key, p => p.Value);

    public override string ToString() => string.Join(", ", Versions.Select(p => $"{p.Key} {p.Value}"));
}
