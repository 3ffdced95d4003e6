using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Cryptshare.Topology.Fixtures.Engine;

namespace Cryptshare.Topology.Runs.Agent;

/// <summary>One published agent: the runtime, the single file and its size.</summary>
public sealed record PublishedAgent(string Runtime, string File, long Bytes, bool FromCache);

/// <summary>What <c>agent publish</c> made: the folder, one build per runtime, the administrator's README, and how long it took.</summary>
public sealed record AgentPublication(string Folder, IReadOnlyList<PublishedAgent> Builds, string Readme, TimeSpan Took);

/// <summary>
/// <c>agent publish</c>: the portable agent (harness/Cryptshare.Topology.LiveProbe) as one
/// self-contained file per runtime — the .NET runtime packs come from the package source with the
/// ordinary NuGet client — and its README for the customer's administrator beside them. A folder
/// that already holds a build of the same sources (a stamp of their hash) is kept as it is, so CI
/// pays for a publish once per change of the agent.
/// </summary>
public static class AgentPublisher
{
    public const string LinuxX64 = "linux-x64";
    public const string WinX64 = "win-x64";

    public static readonly IReadOnlyList<string> Runtimes = [LinuxX64, WinX64];

    public const string ProgramName = "ctt-live-probe";

    public const string ReadmeName = "README.md";

    private const string Stamp = ".ctt-agent-sources";

    private static string ProjectFolder => Path.Combine(RepositoryLayout.Root, "harness", "Cryptshare.Topology.LiveProbe");

    /// <summary>The file a runtime's build is (<c>ctt-live-probe</c>, or <c>ctt-live-probe.exe</c> on Windows).</summary>
    public static string FileName(string runtime) => runtime.StartsWith("win-", StringComparison.Ordinal) ? ProgramName + ".exe" : ProgramName;

    public static async Task<AgentPublication> PublishAsync(string folder, IReadOnlyList<string> runtimes, IProgress<string>? progress, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var sources = SourceHash();
        var builds = new List<PublishedAgent>();
        foreach (var runtime in runtimes)
        {
            var output = Path.Combine(folder, runtime);
            var file = Path.Combine(output, FileName(runtime));
            var stamp = Path.Combine(output, Stamp);
            var cached = File.Exists(file) && File.Exists(stamp) && File.ReadAllText(stamp) == sources;
            if (!cached)
            {
                progress?.Report($"publishing {ProgramName} for {runtime} (self-contained, one file)");
                Directory.CreateDirectory(output);
                File.Delete(stamp);
                await PublishOneAsync(runtime, output, ct);
                await File.WriteAllTextAsync(stamp, sources, ct);
            }

            builds.Add(new PublishedAgent(runtime, file, new FileInfo(file).Length, cached));
        }

        var readme = Path.Combine(folder, ReadmeName);
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(ProjectFolder, ReadmeName), readme, overwrite: true);
        return new AgentPublication(folder, builds, readme, clock.Elapsed);
    }

    private static async Task PublishOneAsync(string runtime, string output, CancellationToken ct)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        using var temp = PrivateTemp.For(start);
        // The build's intermediate files go to the private folder: the worktree's obj/ folders (the
        // framework-dependent builds the harness and the tests use) stay as they are.
        foreach (var argument in (string[])
                 [
                     "publish", Path.Combine(ProjectFolder, "Cryptshare.Topology.LiveProbe.csproj"), "-c", "Release", "-r", runtime, "--self-contained",
                     "-p:PublishSingleFile=true", "-p:EnableCompressionInSingleFile=true", "-p:DebugType=none",
                     "--artifacts-path", Path.Combine(temp.Path, "artifacts"), "-o", output, "--nologo", "-v", "quiet", "--disable-build-servers",
                 ])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish of {ProgramName} for {runtime} failed:\n{(await stdout).Trim()}\n{(await stderr).Trim()}");
        }
    }

    /// <summary>A hash of everything the agent is built from: its project, the agent's and the library's sources, the catalog, the build settings.</summary>
    private static string SourceHash()
    {
        var root = RepositoryLayout.Root;
        string[] inputs =
        [
            ProjectFolder,
            Path.Combine(root, "harness", "Cryptshare.Topology.Probe"),
            Path.Combine(root, "harness", "Cryptshare.Topology.Probing"),
            Path.Combine(root, "harness", "Cryptshare.Topology"),
            Path.Combine(root, "fixtures", "flows", "catalog.yml"),
            Path.Combine(root, "Directory.Build.props"),
            Path.Combine(root, "Directory.Packages.props"),
        ];
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var files = inputs.SelectMany(i => File.Exists(i) ? [i] : Directory.EnumerateFiles(i, "*", SearchOption.AllDirectories))
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            sha.AppendData(Encoding.UTF8.GetBytes(Path.GetRelativePath(root, file) + "\n"));
            sha.AppendData(File.ReadAllBytes(file));
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
