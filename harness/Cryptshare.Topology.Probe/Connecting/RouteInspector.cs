using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace Cryptshare.Topology.Probe.Connecting;

/// <summary>What this host's own tables say about a destination: the route, and whether its next hop answers ARP.</summary>
internal sealed record RouteFacts(bool HasRoute, string? RouteError, string? NextHop, string? Device, string? NeighbourState)
{
    /// <summary>The next hop was asked for its MAC address and did not answer (or not yet, after more than a second).</summary>
    public bool NextHopSilent => NeighbourState is "INCOMPLETE" or "FAILED";
}

/// <summary>
/// Asks iproute2 (<c>ip -j route get</c>, <c>ip -j neigh show</c>), which every image carries, rather
/// than re-implementing the kernel's route lookup. Only consulted after a connect failed or timed
/// out, so its cost (two short processes) is never paid by an allowed probe.
/// </summary>
internal sealed class RouteInspector
{
    /// <summary>The facts, or null when iproute2 is not there to ask.</summary>
    public async Task<RouteFacts?> InspectAsync(IPAddress destination, CancellationToken ct)
    {
        var route = await RunAsync(["-j", "route", "get", destination.ToString()], ct);
        if (route is null)
        {
            return null;
        }

        if (route.Value.ExitCode != 0)
        {
            return new RouteFacts(false, route.Value.Stderr.Trim(), null, null, null);
        }

        using var routeJson = JsonDocument.Parse(route.Value.Stdout);
        var entry = routeJson.RootElement.EnumerateArray().FirstOrDefault();
        var nextHop = Text(entry, "gateway") ?? Text(entry, "dst") ?? destination.ToString();
        var device = Text(entry, "dev");
        if (device is null or "lo")
        {
            return new RouteFacts(true, null, nextHop, device, null);
        }

        var neighbour = await RunAsync(["-j", "neigh", "show", "to", nextHop, "dev", device], ct);
        string? state = null;
        if (neighbour is { ExitCode: 0 } && neighbour.Value.Stdout.Trim().Length > 0)
        {
            using var neighbourJson = JsonDocument.Parse(neighbour.Value.Stdout);
            var first = neighbourJson.RootElement.EnumerateArray().FirstOrDefault();
            if (first.ValueKind == JsonValueKind.Object && first.TryGetProperty("state", out var states) && states.ValueKind == JsonValueKind.Array)
            {
                state = states.EnumerateArray().Select(s => s.GetString()).FirstOrDefault();
            }
        }

        return new RouteFacts(true, null, nextHop, device, state);
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static async Task<(int ExitCode, string Stdout, string Stderr)?> RunAsync(IEnumerable<string> arguments, CancellationToken ct)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(ct);
            var stderr = process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct);
            return (process.ExitCode, await stdout, await stderr);
        }
    }
}
