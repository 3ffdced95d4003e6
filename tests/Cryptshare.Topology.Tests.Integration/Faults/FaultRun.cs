using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Tests.Integration.Cli;

namespace Cryptshare.Topology.Tests.Integration.Faults;

/// <summary>
/// The tool as a process with a fault point armed (<see cref="FaultPoints"/>): when it writes that it
/// waits at the point, the test injects its fault, then lets it go on (or, for a signal, does not).
/// Each run has its own run id, its own empty TMPDIR and output folder, and is swept afterwards.
/// </summary>
internal sealed class FaultRun : IAsyncDisposable
{
    public static readonly string Folder = Path.Combine(RepositoryLayout.Root, "tests", "Cryptshare.Topology.Tests.Integration", "Faults");

    public static readonly string Topology = Path.Combine(Folder, "topology.yml");

    public static readonly string OpenRules = Path.Combine(Folder, "faults-open.nft");

    public static readonly string NoGcRules = Path.Combine(Folder, "faults-no-gc.nft");

    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("ctt-fault-");

    public FaultRun()
    {
        Out = Directory.CreateDirectory(Path.Combine(_dir.FullName, "out")).FullName;
        Tmp = Directory.CreateDirectory(Path.Combine(_dir.FullName, "tmp")).FullName;
    }

    public string RunId { get; } = ToolProcess.NewRunId();

    /// <summary>The tool's --out folder.</summary>
    public string Out { get; }

    /// <summary>The tool's TMPDIR: empty before, and it must be empty after.</summary>
    public string Tmp { get; }

    /// <summary>More environment for the tool (DOCKER_HOST for a second engine).</summary>
    public Dictionary<string, string> Environment { get; } = [];

    /// <summary>The container of a topology host of this run.</summary>
    public string Container(string host) => $"ctt-{RunId}-{host}";

    /// <summary>
    /// The run's <c>run --repeat 2</c> of the faults topology with the open rule set, stopped before
    /// the rule set of repetition 2: the first repetition is measured, the fault lands in the second.
    /// </summary>
    public Task<Outcome> RunRepeatedAsync(Func<FaultRun, Process, Task> inject, bool resume = true) =>
        RunAsync("rule-set:2:faults-open", inject, resume, "run", "--topology", Topology, "--rules", OpenRules, "--repeat", "2", "--out", Out);

    /// <summary>Runs the tool with <paramref name="point"/> armed; at the point, <paramref name="inject"/>, then a line to go on when <paramref name="resume"/>.</summary>
    public async Task<Outcome> RunAsync(string point, Func<FaultRun, Process, Task> inject, bool resume, params string[] args)
    {
        var environment = new Dictionary<string, string>(Environment) { [FaultPoints.Variable] = point, ["TMPDIR"] = Tmp };
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["CTT_RUN_ID"] = RunId, ["TESTCONTAINERS_RYUK_DISABLED"] = "true" },
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add(ToolProcess.ToolDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = new StringBuilder();
        var reached = false;
        using var limit = new CancellationTokenSource(Limit);
        try
        {
            while (await process.StandardError.ReadLineAsync(limit.Token) is { } line)
            {
                stderr.AppendLine(line);
                if (!reached && line.StartsWith($"fault point {point}:", StringComparison.Ordinal))
                {
                    reached = true;
                    await inject(this, process);
                    if (resume)
                    {
                        await process.StandardInput.WriteLineAsync();
                        await process.StandardInput.FlushAsync(limit.Token);
                    }
                }
            }

            await process.WaitForExitAsync(limit.Token);
        }
        catch (Exception) when (!process.HasExited)
        {
            // The limit passed or the injection failed: the tool would otherwise wait at its fault
            // point until the test host ends, then go on and write into a folder already removed.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw;
        }

        var outcome = new Outcome(process.ExitCode, await stdout, stderr.ToString(), reached, Path.Combine(Out, "report.json"));
        await TestContext.Out.WriteLineAsync(outcome.ToString());
        return outcome;
    }

    /// <summary>Everything left in the tool's TMPDIR.</summary>
    public IReadOnlyList<string> TmpLeft() => Directory.EnumerateFileSystemEntries(Tmp, "*", SearchOption.AllDirectories).ToList();

    public async ValueTask DisposeAsync()
    {
        if (!Environment.ContainsKey("DOCKER_HOST"))
        {
            await HarnessJanitor.RemoveAsync(RunId);
        }

        _dir.Delete(recursive: true);
    }

    /// <summary>Sends a signal to a process, as kill(1) does.</summary>
    public static async Task SignalAsync(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("sh") { ArgumentList = { "-c", "kill -s \"$1\" \"$2\"", "sh", signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture) } })!;
        await kill.WaitForExitAsync();
        Assert.That(kill.ExitCode, Is.Zero, $"kill -s {signal} {pid}");
    }

    /// <summary>The main process of a container as the Docker host sees it.</summary>
    public async Task<int> HostPidAsync(string host)
    {
        using var client = DockerClientsForTests.Create();
        return (int)(await client.Containers.InspectContainerAsync(Container(host))).State!.Pid;
    }

    public sealed record Outcome(int ExitCode, string Stdout, string Stderr, bool Reached, string ReportPath)
    {
        public string Output => Stdout + Stderr;

        public JsonElement Report()
        {
            Assert.That(File.Exists(ReportPath), Is.True, $"report.json was written\n{this}");
            using var document = JsonDocument.Parse(File.ReadAllText(ReportPath));
            return document.RootElement.Clone();
        }

        public override string ToString() => $"exit {ExitCode}, fault point reached: {Reached}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
    }
}
