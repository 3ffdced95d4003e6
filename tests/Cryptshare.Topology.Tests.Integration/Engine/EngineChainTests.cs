using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Fixtures.Firewall;
using Docker.DotNet;

namespace Cryptshare.Topology.Tests.Integration.Engine;

/// <summary>
/// The foundation works end to end: an image built from containers/ (FROM debian:bookworm-slim,
/// seeded locally where no registry answers) starts under Testcontainers, answers an exec, and is
/// gone after disposal, leaving only its cached image.
/// </summary>
[TestFixture]
[Category("Engine")]
public sealed class EngineChainTests
{
    [Test]
    public async Task ImageFromContainersFolderStartsExecsAndIsRemoved()
    {
        var image = await HostImages.GetAsync(FirewallBuilder.Kind);
        string id;
        await using (var firewall = new FirewallBuilder(image).Build())
        {
            await firewall.StartAsync();
            id = firewall.Id;

            var release = await firewall.ExecAsync(["cat", "/etc/debian_version"]);
            Assert.That(release.ExitCode, Is.Zero);
            Assert.That(release.Stdout, Does.StartWith("12."), "the base image is Debian 12 (bookworm)");

            var ruleSet = await firewall.ListRuleSetAsync();
            Assert.That(ruleSet, Does.Contain("policy drop"), "the firewall boots fail-closed");
        }

        using var client = DockerClientsForTests.Create();
        Assert.ThrowsAsync<DockerContainerNotFoundException>(() => client.Containers.InspectContainerAsync(id));
        var cached = await client.Images.InspectImageAsync(image.FullName);
        Assert.That(cached.Config?.Labels, Does.ContainKey(HarnessLabels.CachedImage), "the image stays cached, labelled as such");
    }

    [Test]
    public async Task DotnetRuntimeImageRunsTheHostsRuntime()
    {
        var image = await HostImages.GetAsync("dotnet-runtime");
        await using var container = new DotNet.Testcontainers.Builders.ContainerBuilder(image)
            .WithHarnessLabels("dotnet-runtime")
            .WithEntrypoint("sleep", "infinity")
            .Build();
        await container.StartAsync();
        var runtimes = await container.ExecAsync(["dotnet", "--list-runtimes"]);
        Assert.That(runtimes.Stdout, Does.Contain($"Microsoft.AspNetCore.App {Environment.Version}"));
        Assert.That(runtimes.Stdout, Does.Contain($"Microsoft.NETCore.App {Environment.Version}"));
    }
}
