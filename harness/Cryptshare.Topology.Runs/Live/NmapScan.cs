using System.Diagnostics;
using System.Net;
using Cryptshare.Topology.Fixtures.Topology;
using Cryptshare.Topology.Flows;

namespace Cryptshare.Topology.Runs.Live;

/// <summary>What nmap said of one (source, target, port): open, closed or filtered.</summary>
public sealed record NmapPort(string Source, IPAddress Address, int Port, string State);

/// <summary>
/// <c>nmap -sT -Pn -n -T4</c> of exactly a matrix's (source, target, port) tuples, from the same
/// containers (so the same network namespaces and routes) with all sources at once, as `bench`
/// measures it beside the harness: one exec per source, one nmap per target in it, each given only
/// that target's ports. -T4 is nmap's "aggressive" timing, the fastest it offers for a reliable
/// scan: the harness is compared with nmap at its quickest.
/// </summary>
public static class NmapScan
{
    /// <summary>The targets and their port lists are arguments ("$1" "$2" …), never part of the script.</summary>
    private const string Script = "while [ $# -gt 1 ]; do nmap -sT -Pn -n -T4 -oG - -p \"$2\" \"$1\" & shift 2; done; wait";

    /// <summary>Scans; the wall time of the whole scan and each tuple's state. Fails when nmap did not report a tuple.</summary>
    public static async Task<(TimeSpan Took, IReadOnlyList<NmapPort> Ports)> RunAsync(LiveTopology topology, IReadOnlyList<ProbeCase> cases, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var bySource = await Task.WhenAll(cases.GroupBy(c => c.Source.Name).Select(source => ScanFromAsync(topology, source.Key, source.ToList(), ct)));
        var took = clock.Elapsed;
        return (took, bySource.SelectMany(p => p).ToList());
    }

    private static async Task<IReadOnlyList<NmapPort>> ScanFromAsync(LiveTopology topology, string source, IReadOnlyList<ProbeCase> cases, CancellationToken ct)
    {
        List<string> command = ["sh", "-c", Script, "sh"];
        foreach (var target in cases.GroupBy(c => c.Address))
        {
            command.Add(target.Key.ToString());
            command.Add(string.Join(',', target.Select(c => c.Port).Distinct().Order()));
        }

        var result = await topology.Hosts[source].Container.ExecAsync(command, ct);
        var ports = Parse(source, result.Stdout);
        var missing = cases.Where(c => !ports.Any(p => p.Address.Equals(c.Address) && p.Port == c.Port)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"nmap in {source} reported no state for {string.Join(", ", missing.Select(c => $"{c.Address}:{c.Port}"))}: {result.Stderr.Trim()}");
        }

        return ports;
    }

    /// <summary>nmap's grepable lines: <c>Host: 10.77.3.20 ()	Ports: 443/open/tcp//https///, 25/filtered/tcp//smtp///</c>.</summary>
    public static IReadOnlyList<NmapPort> Parse(string source, string grepable)
    {
        var ports = new List<NmapPort>();
        foreach (var line in grepable.Split('\n'))
        {
            var portsAt = line.IndexOf("Ports: ", StringComparison.Ordinal);
            if (!line.StartsWith("Host: ", StringComparison.Ordinal) || portsAt < 0)
            {
                continue;
            }

            var address = line["Host: ".Length..].Split(' ')[0];
            if (!IPAddress.TryParse(address, out var ip))
            {
                continue;
            }

            foreach (var entry in line[(portsAt + "Ports: ".Length)..].Split('\t')[0].Split(", "))
            {
                var fields = entry.Split('/');
                if (fields.Length > 1 && int.TryParse(fields[0], out var port))
                {
                    ports.Add(new NmapPort(source, ip, port, fields[1]));
                }
            }
        }

        return ports;
    }
}
