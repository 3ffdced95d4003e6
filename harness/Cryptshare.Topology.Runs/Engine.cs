using Cryptshare.Topology.Fixtures.Engine;

namespace Cryptshare.Topology.Runs;

/// <summary>No Docker engine answers where one is needed; the message says why it was needed and how to get one.</summary>
public sealed class EngineUnavailableException(string message) : Exception(message);

/// <summary>The use-cases' check for a Docker engine, before they start anything.</summary>
public static class Engine
{
    /// <summary>Throws <see cref="EngineUnavailableException"/> when no engine answers; <paramref name="why"/> says what needed it.</summary>
    public static void Require(string? why = null)
    {
        if (!DockerEngine.IsAvailable)
        {
            throw new EngineUnavailableException(why is null ? DockerEngine.HowToGetOne : $"{why}\n{DockerEngine.HowToGetOne}");
        }
    }
}
