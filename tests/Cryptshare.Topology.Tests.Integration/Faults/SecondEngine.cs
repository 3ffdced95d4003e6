using System.Globalization;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Tests.Integration.Setup;
using Docker.DotNet;
using Docker.DotNet.Models;
using DotNet.Testcontainers.Configurations;

namespace Cryptshare.Topology.Tests.Integration.Faults;

/// <summary>
/// A Docker engine the faults tests may stop and restart: the engine the suite runs on is shared
/// (other tests, other checkouts, the tests' own connections), so restarting it is never safe. This
/// one runs in a privileged container of the <c>engine</c> kind (<see cref="EngineHostContainer"/>),
/// installed once by the project's own eng/ensure-engine.sh (<see cref="InstalledEngineImage"/>) and
/// started by it here, reached from this machine over TCP on a loopback
/// port (<see cref="DockerHost"/>), with /var/lib/docker on a tmpfs so that overlay2 works (on the
/// container's own overlay only vfs would, copying every layer for every container). The images a
/// test needs are copied in from the suite's engine, so nothing is built in there.
/// </summary>
internal sealed class SecondEngine : IAsyncDisposable
{
    private const int ApiPort = 2375;

    private const string DaemonConfig = """
        {"hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2375"]}
        """;

    /// <summary>Stops dockerd (SIGTERM: it stops its containers first) and waits until its process is gone (reaped by the container's init).</summary>
    private const string StopScript = """
        pid=$(cat /var/run/docker.pid) || exit 1
        kill -TERM "$pid"
        timeout 120 tail --pid="$pid" -f /dev/null || { echo "dockerd (pid $pid) did not end within 120 s of SIGTERM" >&2; exit 1; }
        """;

    private readonly EngineHostContainer _host;

    private SecondEngine(EngineHostContainer host) => _host = host;

    /// <summary>DOCKER_HOST for a process that should use this engine.</summary>
    public string DockerHost => $"tcp://127.0.0.1:{_host.Container.GetMappedPublicPort(ApiPort).ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Starts the engine and loads the images of <paramref name="kinds"/> (as the suite's engine has them) into it.</summary>
    public static async Task<SecondEngine> StartAsync(IReadOnlyList<string> kinds, CancellationToken ct)
    {
        // An init as the container's first process: the image's own (sleep) never reaps, so a stopped
        // dockerd, orphaned by the set-up that started it, would stay a zombie and look alive.
        var host = await EngineHostContainer.StartInstalledAsync(ct, builder => builder
            .WithTmpfsMount("/var/lib/docker")
            .WithLoopbackPortBinding(ApiPort)
            .WithCreateParameterModifier(p => (p.HostConfig ??= new HostConfig()).Init = true));
        var engine = new SecondEngine(host);
        try
        {
            await host.WriteFileAsync("/etc/docker/daemon.json", DaemonConfig, ct);
            await engine.StartEngineAsync(ct);
            await engine.LoadAsync(kinds, ct);
            return engine;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs the set-up: it installs the engine the first time, and starts dockerd when none runs; it returns once the engine answers.</summary>
    public async Task StartEngineAsync(CancellationToken ct)
    {
        var setUp = await _host.RunSetUpAsync(ct);
        Assert.That(setUp.ExitCode, Is.Zero, $"the set-up in the second engine's container failed:\n{setUp.Stdout}\n{setUp.Stderr}");
    }

    /// <summary>Stops the engine; returns once dockerd has ended.</summary>
    public async Task StopEngineAsync(CancellationToken ct)
    {
        var stop = await _host.ExecAsync(["sh", "-c", StopScript], ct);
        Assert.That(stop.ExitCode, Is.Zero, $"stopping the second engine failed: {stop.Stderr}");
    }

    /// <summary>Containers and networks labelled with <paramref name="run"/> in this engine.</summary>
    public async Task<IReadOnlyList<string>> LeftoversAsync(string run)
    {
        using var client = Client();
        var filter = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{HarnessLabels.Run}={run}"] = true } };
        var containers = await client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filter });
        var networks = await client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = filter });
        return [.. containers.Select(c => $"container {string.Join(',', c.Names)} ({c.State})"), .. networks.Select(n => $"network {n.Name}")];
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    private DockerClient Client() => new DockerEndpointAuthenticationConfiguration(new Uri(DockerHost)).GetDockerClientBuilder(Guid.NewGuid()).Build();

    /// <summary>docker save from the suite's engine, docker load into this one, one stream.</summary>
    private async Task LoadAsync(IReadOnlyList<string> kinds, CancellationToken ct)
    {
        var names = new List<string>();
        foreach (var kind in kinds)
        {
            names.Add((await HostImages.GetAsync(kind, ct)).FullName);
        }

        using var suite = DockerClientsForTests.Create();
        using var here = Client();
        await using var images = await suite.Images.SaveImagesAsync([.. names], ct);
        await here.Images.LoadImageAsync(new ImageLoadParameters { Quiet = true }, images, new Progress<JSONMessage>(), ct);
        foreach (var name in names)
        {
            Assert.That(async () => await here.Images.InspectImageAsync(name, ct), Throws.Nothing, $"{name} is in the second engine");
        }
    }
}
