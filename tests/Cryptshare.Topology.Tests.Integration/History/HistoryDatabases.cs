using Npgsql;
using Testcontainers.PostgreSql;

namespace Cryptshare.Topology.Tests.Integration.History;

/// <summary>One PostgreSQL container per fixture, and a fresh database per test on it.</summary>
internal sealed class HistoryDatabases(PostgreSqlContainer postgres)
{
    public async Task<string> CreateAsync()
    {
        var name = "history_" + Guid.NewGuid().ToString("N")[..12];
        await using (var dataSource = NpgsqlDataSource.Create(postgres.GetConnectionString()))
        await using (var create = dataSource.CreateCommand($"CREATE DATABASE {name}"))
        {
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(postgres.GetConnectionString()) { Database = name }.ConnectionString;
    }
}
