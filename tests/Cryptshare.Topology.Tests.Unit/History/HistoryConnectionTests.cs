using Cryptshare.Topology.Cli.History;

namespace Cryptshare.Topology.Tests.Unit.History;

/// <summary>The --history connection string: its password never reaches a message, and a bad string is bad input.</summary>
[TestFixture]
public sealed class HistoryConnectionTests
{
    private const string Connection = "Host=db.example.test;Database=ctt;Username=ctt;Password=Sup3r-Secret";

    [Test]
    public void ScrubRemovesThePasswordAndTheWholeString()
    {
        var message = $"could not open {Connection}; auth with Sup3r-Secret failed";
        var scrubbed = HistoryConnection.Scrub(message, Connection);
        Assert.That(scrubbed, Does.Not.Contain("Sup3r-Secret"));
        Assert.That(scrubbed, Is.EqualTo("could not open ***; auth with *** failed"));
    }

    [Test]
    public void AnUnparseableConnectionStringIsBadInputWithoutItsPassword()
    {
        var failure = Assert.ThrowsAsync<HistoryFailure>(() => HistoryConnection.OpenAsync("Hostx=db;Password=Sup3r-Secret", CancellationToken.None));
        Assert.That(failure!.ExitCode, Is.EqualTo(2));
        Assert.That(failure.Message, Does.StartWith("the history connection string is not valid").And.Not.Contain("Sup3r-Secret"));
    }

    [Test]
    public void AFailureAfterOpeningNamesTheStoreOnly()
    {
        var store = new Cryptshare.Topology.History.HistoryStore(Connection);
        var failure = HistoryConnection.Failure(store, new InvalidOperationException("server said: password Sup3r-Secret rejected"), Connection);
        Assert.That((failure.ExitCode, failure.Message), Is.EqualTo((4, "history at db.example.test:5432/ctt: server said: password *** rejected")));
    }
}
