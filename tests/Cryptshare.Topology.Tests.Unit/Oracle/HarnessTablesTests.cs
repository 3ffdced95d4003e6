using System.Text.Json;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Oracle.Matrix;

namespace Cryptshare.Topology.Tests.Unit.Oracle;

/// <summary>The harness's trace table leaves a listing whole (its table, chains and rules) and nothing else does.</summary>
[TestFixture]
[Category("Oracle")]
public sealed class HarnessTablesTests
{
    private static string Listing(string name) =>
        File.ReadAllText(Path.Combine(RepositoryLayout.Root, "tests", "Cryptshare.Topology.Tests.Unit", "Oracle", "matrix", name + ".json"));

    [Test]
    public void TheTraceTableAndEverythingInItLeaveTheListing()
    {
        var listing = Listing("trace-lab");
        var without = HarnessTables.Without(listing);

        var before = Objects(listing);
        var after = Objects(without);
        Assert.That(before.Count(o => o.Table == HarnessTables.Trace), Is.GreaterThan(1), "the sample must hold the trace table with something in it");
        Assert.That(after.Any(o => o.Table == HarnessTables.Trace), Is.False);
        Assert.That(after, Is.EqualTo(before.Where(o => o.Table != HarnessTables.Trace).ToList()), "every other object stays, in order, unchanged");
    }

    [Test]
    public void AListingWithoutTheTraceTableIsReturnedAsItIs()
    {
        var listing = Listing("trace-lab");
        var without = HarnessTables.Without(listing);

        Assert.That(HarnessTables.Without(without), Is.SameAs(without));
    }

    /// <summary>Each object of the listing: its kind, the table it names (or is), and its JSON (compact, so layout does not count).</summary>
    private static List<(string Kind, string? Table, string Json)> Objects(string listing)
    {
        using var document = JsonDocument.Parse(listing);
        return document.RootElement.GetProperty("nftables").EnumerateArray()
            .Select(item => item.EnumerateObject().First())
            .Select(p => (p.Name, p.Value.ValueKind == JsonValueKind.Object && p.Value.TryGetProperty(p.Name == "table" ? "name" : "table", out var table) ? table.GetString() : null, JsonSerializer.Serialize(p.Value)))
            .ToList();
    }
}
