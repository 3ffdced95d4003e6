using System.Text;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Model;

namespace Cryptshare.Topology.Runs.Live;

/// <summary>
/// Another topology on this engine holds the subnets this one needs: which one (its run id, or its
/// compose project) and how to remove it. Until topologies run side by side, only one topology with
/// a given address plan can run on an engine.
/// </summary>
public sealed class SubnetsHeldException(string message) : Exception(message);

/// <summary>Turns Docker's "Pool overlaps with other one on this address space" into who holds the subnets.</summary>
internal static class SubnetConflict
{
    private const string DockerSays = "Pool overlaps with other one on this address space";

    public static bool IsOverlap(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner.Message.Contains(DockerSays, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return e is AggregateException aggregate && aggregate.InnerExceptions.Any(IsOverlap);
    }

    public static async Task<SubnetsHeldException> ExplainAsync(TopologyDefinition topology, CancellationToken ct)
    {
        var holders = (await SubnetHolders.FindAsync(topology.Zones.Select(z => z.Subnet).ToList(), ct))
            .Where(h => h.HarnessRun != HarnessLabels.CurrentRun)
            .ToList();
        return new SubnetsHeldException(Describe(topology, holders));
    }

    public static string Describe(TopologyDefinition topology, IReadOnlyList<SubnetHolder> holders)
    {
        var text = new StringBuilder($"the subnets of topology '{topology.Name}' are in use by another topology on this Docker engine");
        if (holders.Count == 0)
        {
            // Gone between Docker's refusal and the lookup: the other one has just been removed.
            return text.Append(" (Docker refused them, and no network holds them any more: start again)").ToString();
        }

        text.Append(": ");
        text.Append(string.Join("; ", holders.Select(h => $"{h.WantedSubnet} by network {h.Network} ({h.Subnet}{Owner(h)})")));
        text.Append(". Only one topology with these addresses can run on an engine at a time. ");
        var runs = holders.Select(h => h.HarnessRun).OfType<string>().Distinct().ToList();
        var projects = holders.Where(h => h.HarnessRun is null).Select(h => h.ComposeProject).OfType<string>().Distinct().ToList();
        var others = holders.Where(h => h.HarnessRun is null && h.ComposeProject is null).Select(h => h.Network).Distinct().ToList();
        var remedies = runs.Select(r => $"`cryptshare-topology clean --run {r}`")
            .Concat(projects.Select(p => $"`docker compose -p {p} down` (or `docker compose down` in its folder)"))
            .Concat(others.Select(n => $"`docker network rm {n}` if nothing needs it"));
        return text.Append("Wait for it to finish, or remove it: ").Append(string.Join(", ", remedies)).Append(", then start again.").ToString();
    }

    private static string Owner(SubnetHolder holder) =>
        holder.HarnessRun is { } run ? $", harness run {run}"
        : holder.ComposeProject is { } project ? $", docker compose project {project}"
        : string.Empty;
}
