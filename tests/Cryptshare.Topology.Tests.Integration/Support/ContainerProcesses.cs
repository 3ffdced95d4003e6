using DotNet.Testcontainers.Containers;

namespace Cryptshare.Topology.Tests.Integration.Support;

/// <summary>A process inside a container, as ps and /proc show it: its user, its effective and bounding capability sets (hex), its command line.</summary>
internal sealed record ContainerProcess(string User, int Pid, string EffectiveCapabilities, string BoundingCapabilities, string CommandLine)
{
    public bool IsRoot => User == "root";

    /// <summary>Holds no capability at all, and can never gain one (empty bounding set).</summary>
    public bool HasNoCapability => IsZero(EffectiveCapabilities) && IsZero(BoundingCapabilities);

    public override string ToString() => $"{Pid} {User} eff={EffectiveCapabilities} bnd={BoundingCapabilities} {CommandLine}";

    private static bool IsZero(string hex) => hex.Length > 0 && hex.All(c => c == '0');
}

/// <summary>Reads the processes of a running container (its image carries ps), from inside, by one exec each.</summary>
internal static class ContainerProcesses
{
    /// <summary>One line per process: user, pid, CapEff, CapBnd, command line (tab-separated); the listing shell itself left out.</summary>
    private const string Line = """
        line() { [ -r "/proc/$1/status" ] || return 0
          printf '%s\t%s\t%s\t%s\t%s\n' "$(ps -o user:32= -p "$1")" "$1" "$(awk '/^CapEff/{print $2}' "/proc/$1/status")" "$(awk '/^CapBnd/{print $2}' "/proc/$1/status")" "$(ps -o args= -p "$1")"; }
        """;

    /// <summary>Every process of the container but the one listing them.</summary>
    public static async Task<IReadOnlyList<ContainerProcess>> ListAsync(IContainer container)
    {
        var script = Line + "\nfor p in $(ps -e -o pid=); do [ \"$p\" = \"$$\" ] || line \"$p\"; done";
        return Parse(await RunAsync(container, script));
    }

    /// <summary>
    /// The probe agent as the harness starts it (<c>ctt-probe</c> as root, its stdin a pipe held
    /// open), seen while it waits for its batch: the script waits, inside the container, until the
    /// agent's own process exists, reports it, then closes the pipe so the agent exits.
    /// </summary>
    public static async Task<ContainerProcess> ProbeAgentAsync(IContainer container)
    {
        var script = Line + """

            fifo=$(mktemp -u)
            mkfifo -m 0600 "$fifo"
            ctt-probe < "$fifo" >/dev/null 2>&1 &
            exec 3>"$fifo"
            agent=
            for i in $(seq 1 400); do
              agent=$(pgrep -f '^dotnet /opt/ctt/probe/ctt-probe.dll' | head -n1)
              [ -n "$agent" ] && break
              sleep 0.05
            done
            [ -n "$agent" ] && line "$agent"
            exec 3>&-
            wait
            rm -f "$fifo"
            [ -n "$agent" ] || { echo "the probe agent never started" >&2; exit 1; }
            """;
        return Parse(await RunAsync(container, script)).Single();
    }

    private static async Task<string> RunAsync(IContainer container, string script)
    {
        var result = await container.ExecAsync(["sh", "-c", script]);
        return result.ExitCode == 0 ? result.Stdout : throw new InvalidOperationException($"listing the processes failed ({result.ExitCode}): {result.Stderr}");
    }

    private static List<ContainerProcess> Parse(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('\t'))
            .Where(f => f.Length == 5)
            .Select(f => new ContainerProcess(f[0].Trim(), int.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture), f[2], f[3], f[4]))
            .ToList();
}
