using Cryptshare.Topology.Fixtures.Engine;
using Docker.DotNet.Models;

namespace Cryptshare.Topology.Tests.Integration.Setup;

/// <summary>
/// The <c>engine</c> kind's machine with the Docker engine already installed by the project's own
/// set-up (<c>eng/ensure-engine.sh --engine-only</c> run once inside, then <c>docker commit</c>).
/// The faults tests' second engine and the Scale tests' remote engine need an engine to stop, restart
/// or run on, not the installation itself — that is what the Setup category's fresh machine proves,
/// and it keeps doing it on the bare <c>engine</c> image. Installing Docker from Debian's mirror costs
/// about two minutes per machine on this 2-core machine; with this image the set-up inside only starts
/// dockerd. The tag is the bare image's content hash, so a changed set-up script makes a new one, and
/// the image carries the harness's cache label like the kinds' images (the leftover check keeps it).
/// </summary>
internal static class InstalledEngineImage
{
    private const string Repository = $"{HostImages.Repository}/engine-installed";

    private static readonly SemaphoreSlim Gate = new(1, 1);

    /// <summary>The image's name, committed from a machine the set-up ran in when not yet cached.</summary>
    public static async Task<string> GetAsync(CancellationToken ct)
    {
        var bare = await HostImages.GetAsync(EngineHostContainer.Kind, ct);
        var name = $"{Repository}:{bare.Tag}";
        await Gate.WaitAsync(ct);
        try
        {
            using var client = DockerClientsForTests.Create();
            if (await HostImages.ExistsOnAsync(client, name, ct))
            {
                return name;
            }

            // /var/lib/docker on a tmpfs: the engine's own state (and the pid file's daemon) is not
            // part of the image, only the installed packages and the set-up's apt source and pin.
            await using var machine = await EngineHostContainer.StartAsync(ct, builder => builder.WithTmpfsMount("/var/lib/docker"));
            var setUp = await machine.RunSetUpAsync(ct, "--engine-only");
            if (setUp.ExitCode != 0)
            {
                throw new InvalidOperationException($"the set-up in the engine machine failed (exit {setUp.ExitCode}):\n{setUp.Stdout}\n{setUp.Stderr}");
            }

            await client.Images.CommitContainerChangesAsync(new CommitContainerChangesParameters
            {
                ContainerID = machine.Container.Id,
                RepositoryName = Repository,
                Tag = bare.Tag,
                Pause = true,
                Comment = "the engine kind's machine after eng/ensure-engine.sh --engine-only",
                Changes = [$"LABEL {HarnessLabels.CachedImage}=engine-installed"],
            }, ct);
            return name;
        }
        finally
        {
            Gate.Release();
        }
    }
}
