using System.CommandLine;

namespace Cryptshare.Topology.Cli;

/// <summary>`--topology` and `--site` name the network to simulate; one of them, never both.</summary>
internal static class TopologyOrSite
{
    /// <summary>The topology path (null for the default, or when the site is the network); both given is a usage error.</summary>
    public static string? Topology(ParseResult parse, Option<FileInfo?> topology, Option<FileInfo?> site) =>
        parse.GetValue(topology) is not null && parse.GetValue(site) is not null
            ? throw new UsageException("--topology and --site both name the network to simulate; give one of them")
            : parse.GetValue(topology)?.FullName;
}
