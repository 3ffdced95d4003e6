using System.CommandLine;
using System.Diagnostics;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Runs;
using DotNet.Testcontainers.Images;
using Spectre.Console;

namespace Cryptshare.Topology.Cli.Verbs;

/// <summary>
/// `images`: builds every host kind's image (or the kinds named) as the harness does, and tags each
/// <c>cryptshare-topology/&lt;kind&gt;:latest</c>, the names docker-compose.yml uses. Unchanged kinds
/// come from the cache in a moment.
/// </summary>
internal static class ImagesVerb
{
    public static Command Create()
    {
        var kinds = new Argument<string[]>("KIND") { Description = "Only these kinds (folders under containers/). Default: every kind.", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("images", "Build every host kind's image (cached by content hash) and tag it cryptshare-topology/<kind>:latest for docker compose.") { kinds };
        command.SetAction(async (parse, ct) =>
        {
            var known = AllKinds();
            var wanted = parse.GetValue(kinds) is { Length: > 0 } given ? given : [.. known];
            var unknown = wanted.Except(known).ToList();
            if (unknown.Count > 0)
            {
                throw new UsageException($"no image context for {string.Join(", ", unknown)}: the kinds are {string.Join(", ", known)}");
            }

            Engine.Require();
            await BuildAsync(ConsoleOutput.Create(), wanted, ct);
            return ExitCodes.Matched;
        });
        return command;
    }

    /// <summary>Every folder of containers/ with a Dockerfile, in name order.</summary>
    public static IReadOnlyList<string> AllKinds() =>
        Directory.EnumerateDirectories(RepositoryLayout.Containers)
            .Where(d => File.Exists(Path.Combine(d, "Dockerfile")))
            .Select(Path.GetFileName)
            .OfType<string>()
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>Builds what is missing (kinds in parallel, as a topology start does) and prints one line per kind.</summary>
    public static async Task BuildAsync(IAnsiConsole console, IReadOnlyList<string> kinds, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        console.MarkupLine($"[grey]images: {Markup.Escape(string.Join(", ", kinds))}[/]");
        IImage[] images;
        try
        {
            images = await Task.WhenAll(kinds.Select(k => HostImages.GetAsync(k, ct)));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new InvalidOperationException($"an image did not build: {e.Message}", e);
        }

        foreach (var (kind, image) in kinds.Zip(images))
        {
            console.MarkupLine($"{Markup.Escape(HostImages.Repository)}/{Markup.Escape(kind)}:{HostImages.LatestTag} = {Markup.Escape(image.FullName)}");
        }

        console.MarkupLine($"[grey]{kinds.Count} images ready in {clock.Elapsed.TotalSeconds:0.0} s[/]");
    }
}
