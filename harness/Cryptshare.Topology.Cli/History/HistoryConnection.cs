using System.CommandLine;
using Cryptshare.Topology.History;
using Npgsql;

namespace Cryptshare.Topology.Cli.History;

/// <summary>Why the history could not be used, in words safe to print (no connection string, no password).</summary>
internal sealed class HistoryFailure(string message, int exitCode) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    /// <summary>The same failure, saying what was being done (e.g. "the run was not saved in the history").</summary>
    public HistoryFailure During(string what) => new($"{what}: {Message}", ExitCode);
}

/// <summary>
/// The <c>--history</c> option and opening the store it names. The connection string may hold a
/// password: it is never printed, and every message from the database driver is scrubbed of it
/// before it is shown; the store is named by <see cref="HistoryStore.Target"/> (host:port/database).
/// </summary>
internal static class HistoryConnection
{
    public const string OptionName = "--history";

    /// <summary>The option; an empty connection string is a usage error (not "no history"), and its value is never echoed (<see cref="SecretTokens"/>).</summary>
    public static Option<string?> CreateOption(string purpose)
    {
        var option = new Option<string?>(OptionName)
        {
            Description = $"{purpose} PostgreSQL connection string, e.g. \"Host=db;Database=ctt;Username=ctt\" (the password may come from PGPASSWORD or ~/.pgpass instead of the string). Never printed.",
            HelpName = "CONNECTION",
        };
        option.Validators.Add(result =>
        {
            if (result.Tokens.Any(t => string.IsNullOrWhiteSpace(t.Value)))
            {
                result.AddError($"{OptionName}: an empty connection string; give one, e.g. \"Host=db;Database=ctt;Username=ctt\"");
            }
        });
        return option;
    }

    /// <summary>Opens the store and creates or migrates its schema, so an unusable history is found before any work is done.</summary>
    public static async Task<HistoryStore> OpenAsync(string connectionString, CancellationToken ct)
    {
        HistoryStore store;
        try
        {
            store = new HistoryStore(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new HistoryFailure(Scrub(e.Message, connectionString), ExitCodes.BadInput);
        }

        try
        {
            await store.MigrateAsync(ct);
            return store;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await store.DisposeAsync();
            throw Failure(store, e, connectionString);
        }
    }

    /// <summary>
    /// A failure of a history call: a question the history cannot answer (an unknown run) is bad
    /// input; anything else (unreachable server, refused login, newer schema) is the harness's.
    /// </summary>
    public static HistoryFailure Failure(HistoryStore store, Exception e, string connectionString)
    {
        if (e is HistoryFailure known)
        {
            return known;
        }

        var message = e.InnerException is { } inner && !e.Message.Contains(inner.Message, StringComparison.Ordinal)
            ? $"{e.Message} ({inner.Message})"
            : e.Message;
        return e is ArgumentException
            ? new HistoryFailure(Scrub(message, connectionString), ExitCodes.BadInput)
            : new HistoryFailure($"{store}: {Scrub(message, connectionString)}", ExitCodes.HarnessFailure);
    }

    /// <summary>The text without the connection string or its password, wherever they occur.</summary>
    public static string Scrub(string text, string connectionString)
    {
        string? password = null;
        try
        {
            password = new NpgsqlConnectionStringBuilder(connectionString).Password;
        }
        catch (ArgumentException)
        {
            // Not parseable: then only the string as a whole can be recognised.
        }

        var scrubbed = string.IsNullOrEmpty(connectionString) ? text : text.Replace(connectionString, "***", StringComparison.Ordinal);
        return string.IsNullOrEmpty(password) ? scrubbed : scrubbed.Replace(password, "***", StringComparison.Ordinal);
    }
}
