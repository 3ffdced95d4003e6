using System.Security.Cryptography;
using System.Text;
using Cryptshare.Topology.History;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.Reports;

namespace Cryptshare.Topology.Cli.History;

/// <summary><c>run --history</c>: the store opened before the topology starts, and the finished run saved into it.</summary>
internal sealed class RunHistory(HistoryStore store, string connectionString) : IAsyncDisposable
{
    public string Target => store.Target;

    /// <summary>Null when no connection string was given: without --history nothing needs a database.</summary>
    public static async Task<RunHistory?> OpenAsync(string? connectionString, CancellationToken ct)
    {
        if (connectionString is null)
        {
            return null;
        }

        try
        {
            return new RunHistory(await HistoryConnection.OpenAsync(connectionString, ct), connectionString);
        }
        catch (HistoryFailure e)
        {
            throw e.During("the history cannot be used");
        }
    }

    /// <summary>Saves the run; returns its id in the history.</summary>
    public async Task<long> SaveAsync(TopologyDefinition topology, DateTimeOffset startedAt, MatrixReport report, CancellationToken ct)
    {
        var run = RunInfo.ForThisHarness(startedAt, topology.Name, TopologySha256(topology), RunGroups.FromEnvironment());
        try
        {
            return await store.SaveRunAsync(run, report, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw HistoryConnection.Failure(store, e, connectionString).During("the run was not saved in the history");
        }
    }

    /// <summary>The hash of the topology file's text, as it was read for this run.</summary>
    public static string TopologySha256(TopologyDefinition topology) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(File.ReadAllText(topology.SourceFile))));

    public ValueTask DisposeAsync() => store.DisposeAsync();
}
