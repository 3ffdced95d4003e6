using Docker.DotNet;
using DotNet.Testcontainers.Configurations;

namespace Cryptshare.Topology.Tests.Integration;

/// <summary>A raw Docker API client, for tests that check what the harness did to the engine.</summary>
internal static class DockerClientsForTests
{
    public static DockerClient Create() =>
        TestcontainersSettings.OS.DockerEndpointAuthConfig.GetDockerClientBuilder(Guid.NewGuid()).Build();
}
