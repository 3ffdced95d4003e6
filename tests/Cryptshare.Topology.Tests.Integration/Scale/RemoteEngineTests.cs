using System.Diagnostics;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Fixtures.Firewall;
using Cryptshare.Topology.Tests.Integration.Cli;
using Cryptshare.Topology.Tests.Integration.Flows;
using Cryptshare.Topology.Tests.Integration.Setup;
using Docker.DotNet;
using Docker.DotNet.Models;
using DotNet.Testcontainers.Configurations;

namespace Cryptshare.Topology.Tests.Integration.Scale;

/// <summary>
/// The harness against an engine named by DOCKER_HOST, not the one on this machine's socket: a second
/// Docker engine in a privileged container of the project's own <c>engine</c> image (Debian plus
/// eng/ensure-engine.sh, which starts the engine in there: <c>--engine-only</c>; the installation is
/// done once and kept, <see cref="InstalledEngineImage"/>, since the Setup category proves it), its API
/// published on this machine's loopback only. Then the base image and the harness's images are handed
/// over from this engine (docker save | docker load over the two APIs, no registry; measured here
/// under load: 8 images in 42 s, where the set-up's debootstrap of the base image alone took 76 s),
/// all but the firewall's: the run must build that one there itself. Then `run` as a process, with
/// DOCKER_HOST pointing at the second engine, runs the documented rule set there, all green.
/// The second engine keeps /var/lib/docker on a tmpfs, so it stores images with overlay2 (on the
/// container's own overlay root it could only copy every layer in full, with vfs).
/// </summary>
[TestFixture]
[Category("Scale")]
[NonParallelizable] // a second engine, its set-up and the images handed over: the machine to itself on 2 cores
public sealed class RemoteEngineTests
{
    private const int ApiPort = 2375;

    /// <summary>What every Dockerfile under containers/ starts FROM: the firewall's build there needs it.</summary>
    private const string BaseImage = "debian:bookworm-slim";

    /// <summary>The base image of the kinds that run .NET (containers/dotnet-runtime): the harness looks for it before theirs.</summary>
    private const string DotnetRuntimeKind = "dotnet-runtime";

    /// <summary>The set-up starts dockerd without -H: this file decides where it listens (its socket must stay: the set-up talks to it).</summary>
    private const string DaemonJson = """{ "hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2375"] }""";

    [Test]
    public async Task TheDocumentedRuleSetRunsGreenOnAnEngineNamedByDockerHost()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(20));
        var ct = limit.Token;
        var clock = Stopwatch.StartNew();
        var kinds = DefaultLibrary.Topology.Hosts.Select(h => h.Kind).Append(DotnetRuntimeKind).Distinct().ToList();
        var handedOver = await Task.WhenAll(kinds.Select(k => HostImages.GetAsync(k, ct)));
        var firewall = await HostImages.GetAsync(FirewallBuilder.Kind, ct);

        await using var machine = await EngineHostContainer.StartInstalledAsync(ct, builder => builder
            .WithLoopbackPortBinding(ApiPort)
            // exec: the engine runs programs from it; the size leaves room for the images (in memory).
            .WithCreateParameterModifier(p =>
            {
                p.HostConfig ??= new HostConfig();
                p.HostConfig.Tmpfs = new Dictionary<string, string> { ["/var/lib/docker"] = "rw,exec,size=8g" };
            }));
        await machine.WriteFileAsync("/etc/docker/daemon.json", DaemonJson, ct);
        var dockerHost = $"tcp://127.0.0.1:{machine.GetMappedPort(ApiPort)}";
        using var remote = new DockerEndpointAuthenticationConfiguration(new Uri(dockerHost)).GetDockerClientBuilder(Guid.NewGuid()).Build();

        var setUpClock = Stopwatch.StartNew();
        var setUp = await machine.RunSetUpAsync(ct, "--engine-only");
        var setUpTime = setUpClock.Elapsed;
        Assert.That(setUp.ExitCode, Is.Zero, $"the set-up failed in the engine machine:\n{setUp.Stdout}\n{setUp.Stderr}");
        Assert.That(await AnswersAsync(remote, ct), Is.True, $"the second engine does not answer on {dockerHost}");

        var transferClock = Stopwatch.StartNew();
        await HandOverAsync([BaseImage, .. handedOver.Select(i => i.FullName)], remote, ct);
        var transferTime = transferClock.Elapsed;

        var driver = (await remote.System.GetSystemInfoAsync(ct)).Driver;
        Assert.That(await HostImages.ExistsOnAsync(remote, firewall.FullName, ct), Is.False, "the firewall's image is not there before the run: the run must build it");

        var run = ToolProcess.NewRunId();
        var folder = Directory.CreateTempSubdirectory("ctt-scale-remote-");
        try
        {
            var runClock = Stopwatch.StartNew();
            var result = await ToolProcess.RunAsync(run, TimeSpan.FromMinutes(10), new Dictionary<string, string> { ["DOCKER_HOST"] = dockerHost }, null,
                ["run", "--out", folder.FullName]);
            var runTime = runClock.Elapsed;
            await TestContext.Progress.WriteLineAsync(
                $"second engine ({driver}): set-up {setUpTime.TotalSeconds:0} s, base image and {handedOver.Length} images handed over in {transferTime.TotalSeconds:0} s, " +
                $"run {runTime.TotalSeconds:0} s (the firewall's image built there), whole test {clock.Elapsed.TotalSeconds:0} s");

            Assert.That(result.ExitCode, Is.Zero, result.ToString());
            Assert.That(result.Stdout, Does.Contain("flows, all as expected").And.Contain("01-documented"), result.ToString());
            Assert.That(await HostImages.ExistsOnAsync(remote, firewall.FullName, ct), Is.True, "the run built the firewall's image on the engine DOCKER_HOST names");
            Assert.That(await LabelledAsync(remote, run, ct), Is.Empty, "the run removed everything it started there");
            Assert.That(driver, Is.EqualTo("overlay2"), "with /var/lib/docker on a tmpfs the second engine stores images with overlay2");
        }
        finally
        {
            folder.Delete(recursive: true);
        }

        Assert.That((await HarnessJanitor.FindAsync(run, ct)).IsEmpty, Is.True, "nothing of the run on this machine's engine");
    }

    /// <summary>Whether the second engine answers over TCP (the set-up waited for it on its socket).</summary>
    private static async Task<bool> AnswersAsync(DockerClient remote, CancellationToken ct)
    {
        try
        {
            await remote.System.PingAsync(ct);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary><c>docker save</c> of the images here piped into <c>docker load</c> there: one stream, shared layers once.</summary>
    private static async Task HandOverAsync(IReadOnlyList<string> images, DockerClient remote, CancellationToken ct)
    {
        using var local = DockerClientsForTests.Create();
        await using var saved = await local.Images.SaveImagesAsync([.. images], ct);
        await remote.Images.LoadImageAsync(new ImageLoadParameters { Quiet = true }, saved, new Progress<JSONMessage>(), ct);
        foreach (var image in images)
        {
            Assert.That(await HostImages.ExistsOnAsync(remote, image, ct), Is.True, $"{image} arrived");
        }
    }

    private static async Task<IReadOnlyList<string>> LabelledAsync(DockerClient client, string run, CancellationToken ct)
    {
        var filter = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{HarnessLabels.Run}={run}"] = true } };
        var containers = await client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filter }, ct);
        var networks = await client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = filter }, ct);
        return [.. containers.Select(c => c.ID), .. networks.Select(n => n.Name)];
    }
}
