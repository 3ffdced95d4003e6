using System.Text;
using System.Text.Json;
using Cryptshare.Topology.Probing;

namespace Cryptshare.Topology.Probe;

/// <summary>
/// <c>ctt-probe --serve</c>: one agent for a source host's whole run. Each line of stdin is a batch
/// (numbered 1, 2, … as read) or a stop command (<see cref="ProbeStop"/> naming its batch); each
/// batch's results come as its probes complete, one line each, as for a single batch. The harness
/// sends a batch only when it has read every result of the previous one. Start-up, JIT and the
/// protocol libraries' first use are paid once per run, not once per rule set. Ends when stdin ends
/// (after the running batch), or with exit 2 at a line that is neither a batch nor a stop.
/// </summary>
internal static class AgentService
{
    public static async Task<int> RunAsync(Stream input, Stream output)
    {
        using var reader = new StreamReader(input, new UTF8Encoding(false));
        using var writer = new StreamWriter(output, new UTF8Encoding(false)) { AutoFlush = false };
        var number = 0;
        ProbeAgent? current = null;
        var running = Task.CompletedTask;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            if (TryStop(line) is { } stop)
            {
                if (current is not null && (stop.Batch ?? number) == number)
                {
                    current.Stop(stop);
                }

                continue;
            }

            ProbeBatch batch;
            try
            {
                batch = ProbeJson.DeserializeBatch(line);
            }
            catch (JsonException e)
            {
                await Console.Error.WriteLineAsync($"ctt-probe: line {number + 1} is neither a probe batch nor a stop command: {e.Message}");
                await running;
                return 2;
            }

            await running;
            number++;
            current = new ProbeAgent(batch, writer);
            running = GuardedAsync(current, writer);
        }

        await running;
        return 0;
    }

    /// <summary>A batch the agent cannot run (ArgumentException, as for a single batch) ends the service with exit 2 and a message, no stack trace.</summary>
    private static async Task GuardedAsync(ProbeAgent agent, TextWriter writer)
    {
        try
        {
            await agent.RunAsync(CancellationToken.None);
        }
        catch (ArgumentException e)
        {
            await writer.FlushAsync();
            await Console.Error.WriteLineAsync($"ctt-probe: {e.Message}");
            Environment.Exit(2);
        }
    }

    /// <summary>A stop command, or null when the line is something else (a batch).</summary>
    private static ProbeStop? TryStop(string line)
    {
        if (!line.StartsWith("{\"probe\":", StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            return ProbeJson.DeserializeStop(line);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
