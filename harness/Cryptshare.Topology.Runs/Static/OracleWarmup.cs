using Cryptshare.Topology.Model;
using Cryptshare.Topology.Reports;
using Cryptshare.Topology.RuleSets;

namespace Cryptshare.Topology.Runs.Static;

/// <summary>
/// The oracle's compiler and evaluator made ready (JIT-compiled) while nft parses the customer's
/// file: <c>analyze</c> waits seconds for nft on a large file, and in a fresh process the first
/// compile of a listing costs about twice what later ones do (at 20,000 rules 0.98 s against
/// 0.38-0.59 s). Measured side by side (bench -- analyze, 20,000 rules, three runs each), the
/// oracle's part of analyze was 1.23-1.35 s without the warm-up and 0.98-1.23 s with it. The warm-up predicts the topology's flows from listings the real nft printed for
/// three library rule sets (Static/Warmup: the documented set, DNAT, firewalld's zones; regenerate
/// one with <c>nft -f FILE &amp;&amp; nft -j list ruleset</c> in the firewall image), on another
/// thread. Nothing of it reaches a report: it only leaves the code JIT-compiled.
/// </summary>
internal static class OracleWarmup
{
    private static readonly string[] Listings = ["01-documented", "09-dnat-perimeter", "13-firewalld-router"];

    public static Task StartAsync(TopologyDefinition topology, FlowCatalog catalog, CancellationToken ct) =>
        Task.Run(() =>
        {
            foreach (var name in Listings)
            {
                ct.ThrowIfCancellationRequested();
                var warmUp = new RuleSet($"warm-up {name}", name, string.Empty, null, new Dictionary<string, System.Net.IPAddress>(), null);
                _ = StaticMatrix.Predict(topology, catalog, warmUp, Listing(name), null, "warm-up");
            }
        }, ct);

    private static string Listing(string name)
    {
        using var stream = typeof(OracleWarmup).Assembly.GetManifestResourceStream($"warmup/{name}.json")
            ?? throw new InvalidOperationException($"the warm-up listing {name} is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
