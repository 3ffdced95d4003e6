using Cryptshare.Topology.History;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.Reports;

namespace Cryptshare.Topology.Tests.Unit.History;

/// <summary>What the store refuses before it talks to any database (nothing listens on port 1 of loopback).</summary>
[TestFixture]
public sealed class HistoryStoreGuardTests
{
    private const string Secret = "not-a-real-password-7f3a";
    private const string NowhereConnection = "Host=127.0.0.1;Port=1;Database=history;Username=ctt;Password=" + Secret;
    private static readonly string Hash = new('0', 64);

    [Test]
    public async Task ItsNameShowsServerAndDatabaseButNoPassword()
    {
        await using var store = new HistoryStore(NowhereConnection);
        Assert.That(store.ToString(), Is.EqualTo("history at 127.0.0.1:1/history"));
        Assert.That(store.Target.Contains(Secret, StringComparison.Ordinal), Is.False);
    }

    [Test]
    public void AMalformedConnectionStringIsRefusedWithoutQuotingIt()
    {
        var error = Assert.Throws<ArgumentException>(() => _ = new HistoryStore($"Host=db;Password={Secret};Port=eighty"));
        Assert.That(error!.ToString().Contains(Secret, StringComparison.Ordinal), Is.False);
        Assert.That(error.Message, Does.StartWith("the history connection string is not valid"));
    }

    [Test]
    public async Task ARunNeedsSha256Hashes()
    {
        await using var store = new HistoryStore(NowhereConnection);
        var error = Assert.ThrowsAsync<ArgumentException>(() => store.SaveRunAsync(Run() with { TopologySha256 = "abc" }, Report(Hash)));
        Assert.That(error!.Message, Does.Contain("topology 'default'"));
        error = Assert.ThrowsAsync<ArgumentException>(() => store.SaveRunAsync(Run(), Report("not-hex")));
        Assert.That(error!.Message, Does.Contain("rule set '01-documented'"));
    }

    [Test]
    public async Task ARuleSetOrAFlowGivenTwiceIsRefused()
    {
        await using var store = new HistoryStore(NowhereConnection);
        var ruleSet = Report(Hash).RuleSets[0];
        Assert.That(() => store.SaveRunAsync(Run(), new MatrixReport([ruleSet, ruleSet], new ReportTimings(1, 1))),
            Throws.ArgumentException.With.Message.Contains("rule set '01-documented' twice"));
        var twice = ruleSet with { Flows = [ruleSet.Flows[0], ruleSet.Flows[0]] };
        Assert.That(() => store.SaveRunAsync(Run(), new MatrixReport([twice], new ReportTimings(1, 1))),
            Throws.ArgumentException.With.Message.Contains("flow ui-https from internet twice"));
    }

    /// <summary>
    /// The deciding rule goes into a jsonb column. It is a typed value now, so it cannot be text that
    /// is no JSON; even a hand-written one an old report held is stored as a JSON object.
    /// </summary>
    [Test]
    public void ADecidingRuleIsStoredAsAJsonObject()
    {
        var handWritten = ReportedRule.Parse("chain forward, rule 7")!;
        using var stored = System.Text.Json.JsonDocument.Parse(handWritten.ToJson());
        Assert.That(stored.RootElement.GetProperty("text").GetString(), Is.EqualTo("chain forward, rule 7"));
    }

    private static RunInfo Run() => new(DateTimeOffset.UnixEpoch, "default", Hash);

    private static MatrixReport Report(string ruleSetSha) =>
        new([new RuleSetReport("01-documented", ruleSetSha,
            [new FlowReport("ui-https", "internet", "cs-server", 443, Verdict.Allowed, Verdict.Allowed, 1, "HTTP 200", true, false)])],
            new ReportTimings(1, 1));
}
