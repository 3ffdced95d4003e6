using Cryptshare.Topology.History;
using Cryptshare.Topology.Model;

namespace Cryptshare.Topology.Tests.Unit.History;

[TestFixture]
public sealed class HistorySchemaTests
{
    [Test]
    public void MigrationsAreNumberedOneByOneFromOne() =>
        Assert.That(HistorySchema.Migrations.Select(m => m.Version), Is.EqualTo(Enumerable.Range(1, HistorySchema.Migrations.Count)));

    [Test]
    public void EveryMigrationSaysWhatItDoes() =>
        Assert.That(HistorySchema.Migrations.Select(m => m.Description), Has.All.Not.Empty);

    [Test]
    public void TheVerdictDomainKnowsEveryVerdictWord()
    {
        // A new Verdict needs a migration that widens the domain, or saving it fails in the database.
        var sql = string.Concat(HistorySchema.Migrations.Select(m => m.Sql));
        Assert.That(Enum.GetValues<Verdict>().Select(v => $"'{v.ToWord()}'"), Has.All.Matches<string>(word => sql.Contains(word, StringComparison.Ordinal)));
    }
}
