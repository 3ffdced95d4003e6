using System.Text.Json;
using Cryptshare.Topology.Fixtures.Engine;

namespace Cryptshare.Topology.Cli.Compose;

/// <summary>
/// A kind's ENTRYPOINT as its Dockerfile declares it (exec form, last one wins), read without an
/// engine. Compose runs it after the routing wrapper, exactly as the image would have.
/// </summary>
internal static class ImageEntrypoint
{
    public static IReadOnlyList<string> Of(string kind)
    {
        var dockerfile = Path.Combine(RepositoryLayout.Containers, kind, "Dockerfile");
        var line = File.ReadLines(dockerfile).LastOrDefault(l => l.StartsWith("ENTRYPOINT ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"{dockerfile}: no ENTRYPOINT line");
        try
        {
            return JsonSerializer.Deserialize<string[]>(line["ENTRYPOINT ".Length..]) is { Length: > 0 } exec
                ? exec
                : throw new InvalidOperationException($"{dockerfile}: the ENTRYPOINT is empty");
        }
        catch (JsonException)
        {
            throw new InvalidOperationException($"{dockerfile}: the ENTRYPOINT is not in exec form (a JSON array): {line}");
        }
    }
}
