using System.Security.Cryptography;
using Cryptshare.Topology.Fixtures.Engine;
using DotNet.Testcontainers.Images;
using Testcontainers.PostgreSql;

namespace Cryptshare.Topology.Tests.Integration.History;

/// <summary>
/// PostgreSQL for the history tests: Testcontainers' own PostgreSqlBuilder, unchanged, on the image
/// built from containers/postgres. Where a registry answers, CTT_POSTGRES_IMAGE=postgres:15 (or any
/// official tag) runs the same tests on the official image: nothing here depends on ours.
/// </summary>
internal static class HistoryPostgres
{
    public const string Kind = "postgres";
    public const string ImageVariable = "CTT_POSTGRES_IMAGE";

    public static async Task<IImage> ImageAsync() =>
        Environment.GetEnvironmentVariable(ImageVariable) is { Length: > 0 } name
            ? new DockerImage(name)
            : await HostImages.GetAsync(Kind);

    /// <summary>Labelled like every harness container, so a killed run's leftovers are found and removed.</summary>
    public static PostgreSqlBuilder Builder(IImage image) =>
        new PostgreSqlBuilder(image).WithHarnessLabels(Kind);

    /// <summary>A password no test run shares with another.</summary>
    public static string NewPassword() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
