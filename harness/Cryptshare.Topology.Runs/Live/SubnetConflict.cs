using System.Text;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Fixtures.Topology;

namespace Cryptshare.Topology.Runs.Live;

/// <summary>
/// No block of the engine-side pool is free for this topology: which networks hold the pool (their
/// run ids, or their compose projects) and how to remove them. Topologies never compete for their own
/// subnets (each container sets its topology's addresses itself): only the engine-side blocks can run out.
/// </summary>
public sealed class SubnetsHeldException(string message) : Exception(message);

/// <summary>Turns an exhausted engine-side pool into who holds it and what to do.</summary>
internal static class SubnetConflict
{
    public static async Task<SubnetsHeldException> ExplainAsync(EnginePoolExhaustedException exhausted, CancellationToken ct)
    {
        var holders = await SubnetHolders.FindAsync([exhausted.Pool.Range], ct);
        return new SubnetsHeldException(Describe(exhausted.Message, holders));
    }

    public static string Describe(string problem, IReadOnlyList<SubnetHolder> holders)
    {
        var text = new StringBuilder(problem);
        if (holders.Count == 0)
        {
            // Gone between Docker's refusal and the lookup: others have just been removed.
            return text.Append(" (Docker refused every block, and no network holds one any more: start again)").ToString();
        }

        text.Append(": ");
        text.Append(string.Join("; ", holders.GroupBy(Owner).Select(g => $"{g.Count()} network(s) of {g.Key} ({string.Join(", ", g.Select(h => $"{h.Network} {h.Subnet}").Take(4))}{(g.Count() > 4 ? ", …" : string.Empty)})")));
        text.Append(". ");
        var runs = holders.Select(h => h.HarnessRun).OfType<string>().Distinct().ToList();
        var projects = holders.Where(h => h.HarnessRun is null).Select(h => h.ComposeProject).OfType<string>().Distinct().ToList();
        var others = holders.Where(h => h.HarnessRun is null && h.ComposeProject is null).Select(h => h.Network).Distinct().ToList();
        var remedies = runs.Select(r => $"`cryptshare-topology clean --run {r}`")
            .Concat(projects.Select(p => $"`docker compose -p {p} down` (or `docker compose down` in its folder)"))
            .Concat(others.Select(n => $"`docker network rm {n}` if nothing needs it"));
        return text.Append("Wait for runs to finish, or remove what is no longer needed: ").Append(string.Join(", ", remedies))
            .Append($", then start again; or give the harness a larger or another private range with {EngineSubnetPool.Variable}.").ToString();
    }

    private static string Owner(SubnetHolder holder) =>
        holder.HarnessRun is { } run ? $"harness run {run}"
        : holder.ComposeProject is { } project ? $"docker compose project {project}"
        : "no harness run";
}
