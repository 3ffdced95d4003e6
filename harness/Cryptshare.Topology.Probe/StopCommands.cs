using System.Text.Json;
using Cryptshare.Topology.Probing;

namespace Cryptshare.Topology.Probe;

/// <summary>The stop commands of <c>--follow</c>: one <see cref="ProbeStop"/> per line of stdin after the batch, until stdin ends.</summary>
internal static class StopCommands
{
    public static async Task ReadAsync(TextReader input, ProbeAgent agent)
    {
        while (await input.ReadLineAsync() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            try
            {
                agent.Stop(ProbeJson.DeserializeStop(line));
            }
            catch (JsonException e)
            {
                // A bad command changes nothing: the probe then waits out its timeout, as without evidence.
                await Console.Error.WriteLineAsync($"ctt-probe: ignored a stop command that is not valid: {e.Message}");
            }
        }
    }
}
