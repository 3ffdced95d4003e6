using Cryptshare.Topology.Fixtures.Engine;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;

namespace Cryptshare.Topology.Tests.Integration.Setup;

/// <summary>
/// A fresh Debian machine in a privileged container, for the engine set-up: the <c>engine</c> kind's
/// image (debian:bookworm-slim plus the project's eng/ensure-engine.sh, <c>containers/engine/</c>),
/// with this host's Debian apt source files copied in and nothing else of the host. Privileged,
/// because a Docker engine runs inside: it mounts, makes bridges and writes iptables rules in the
/// container's own namespaces. The nested engine stores images with vfs: overlay2 cannot mount on the
/// container's own overlay file system, and dockerd falls back to vfs by itself.
/// </summary>
internal sealed class EngineHostContainer : IAsyncDisposable
{
    public const string Kind = "engine";

    /// <summary>Where the image holds the set-up script (see containers/engine/Dockerfile).</summary>
    public const string SetUpScript = "/opt/cryptshare-topology/eng/ensure-engine.sh";

    /// <summary>The set-up's own files on the machine it ran on.</summary>
    public const string SetUpLog = "/var/tmp/cryptshare-topology/setup.log";

    /// <summary>
    /// The Debian entries of a machine's apt configuration: the deb822 file Debian installs and the
    /// one-line list. Only these are copied in; a host's other sources (and their keys) are its own.
    /// </summary>
    private static readonly string[] HostAptSources = ["/etc/apt/sources.list.d/debian.sources", "/etc/apt/sources.list"];

    private readonly IContainer _container;

    private EngineHostContainer(IContainer container) => _container = container;

    /// <summary>The container, for what a caller adds to it (a published port of the nested engine).</summary>
    public IContainer Container => _container;

    /// <summary>Starts the machine; <paramref name="configure"/> adds to its container (a published port, a tmpfs) before it is created.</summary>
    public static async Task<EngineHostContainer> StartAsync(CancellationToken ct, Func<ContainerBuilder, ContainerBuilder>? configure = null) =>
        await StartAsync((await HostImages.GetAsync(Kind, ct)).FullName, configure, ct);

    /// <summary>
    /// Starts a machine on which the engine is installed already (<see cref="InstalledEngineImage"/>):
    /// the set-up inside then only starts dockerd.
    /// </summary>
    public static async Task<EngineHostContainer> StartInstalledAsync(CancellationToken ct, Func<ContainerBuilder, ContainerBuilder>? configure = null) =>
        await StartAsync(await InstalledEngineImage.GetAsync(ct), configure, ct);

    private static async Task<EngineHostContainer> StartAsync(string image, Func<ContainerBuilder, ContainerBuilder>? configure, CancellationToken ct)
    {
        var builder = new ContainerBuilder(image)
            .WithHarnessLabels(Kind)
            .WithPrivileged(true);
        var container = (configure?.Invoke(builder) ?? builder).Build();
        var host = new EngineHostContainer(container);
        try
        {
            await container.StartAsync(ct);
            await host.UseHostAptSourcesAsync(ct);
            return host;
        }
        catch
        {
            await container.DisposeAsync();
            throw;
        }
    }

    /// <summary>Where a port published with <c>WithLoopbackPortBinding</c> is reached on this machine's loopback.</summary>
    public ushort GetMappedPort(int containerPort) => _container.GetMappedPublicPort(containerPort);

    /// <summary>Runs a command (an argument list, no shell) inside; waits for it to end.</summary>
    public Task<ExecResult> ExecAsync(IList<string> command, CancellationToken ct) => _container.ExecAsync(command, ct);

    /// <summary>Runs the project's set-up script inside with the given arguments.</summary>
    public Task<ExecResult> RunSetUpAsync(CancellationToken ct, params string[] arguments) =>
        ExecAsync(["bash", SetUpScript, .. arguments], ct);

    /// <summary>Writes a file inside (root's, mode 644).</summary>
    public Task WriteFileAsync(string path, string content, CancellationToken ct) =>
        _container.CopyAsync(System.Text.Encoding.UTF8.GetBytes(content), path, ct: ct);

    public async Task<string> ReadFileAsync(string path, CancellationToken ct) =>
        System.Text.Encoding.UTF8.GetString(await _container.ReadFileAsync(path, ct));

    /// <summary>
    /// Replaces the image's apt sources with this host's Debian ones, so apt inside reaches the mirror
    /// this machine uses. Where the host has none (not Debian), the image's own entry stays.
    /// </summary>
    private async Task UseHostAptSourcesAsync(CancellationToken ct)
    {
        var sources = HostAptSources.Where(File.Exists).ToList();
        if (sources.Count == 0)
        {
            return;
        }

        await ExpectSuccessAsync(["rm", "-f", "/etc/apt/sources.list"], ct);
        await ExpectSuccessAsync(["find", "/etc/apt/sources.list.d", "-mindepth", "1", "-delete"], ct);
        foreach (var path in sources)
        {
            await _container.CopyAsync(await File.ReadAllBytesAsync(path, ct), path, ct: ct);
        }
    }

    private async Task ExpectSuccessAsync(IList<string> command, CancellationToken ct)
    {
        var result = await ExecAsync(command, ct);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{string.Join(' ', command)} failed in the engine host: {result.Stderr}");
        }
    }

    public ValueTask DisposeAsync() => _container.DisposeAsync();
}
