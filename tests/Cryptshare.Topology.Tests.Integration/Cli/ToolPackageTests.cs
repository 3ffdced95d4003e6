using System.Diagnostics;
using Cryptshare.Topology.Fixtures.Engine;

namespace Cryptshare.Topology.Tests.Integration.Cli;

/// <summary>
/// The command-line tool as a .NET tool: packed from the built project, installed with
/// `dotnet tool install --tool-path` into a temporary folder from that local feed, and run from
/// there, outside the repository. (Starts no container.)
/// </summary>
[TestFixture]
[Category("Cli")]
public sealed class ToolPackageTests
{
    private DirectoryInfo _folder = null!;

    [OneTimeSetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("ctt-tool-");

    [OneTimeTearDown]
    public void RemoveFolder() => _folder.Delete(recursive: true);

    [Test]
    public async Task ThePackedToolInstallsAndAnswersHelpAndSaysWhatItNeedsOutsideAClone()
    {
        var feed = Path.Combine(_folder.FullName, "feed");
        var cli = Path.Combine(RepositoryLayout.Root, "harness", "Cryptshare.Topology.Cli", "Cryptshare.Topology.Cli.csproj");
        // From the build the tests run on (the solution's Debug build), as eng/pack.sh packs it.
        var pack = await RunAsync(_folder.FullName, "dotnet", null, "pack", cli, "--no-build", "--configuration", "Debug", "--output", feed, "-nologo");
        Assert.That(pack.Exit, Is.Zero, pack.Output);
        Assert.That(Directory.GetFiles(feed, "Cryptshare.Topology.Tool.*.nupkg"), Has.Length.EqualTo(1));

        var tools = Path.Combine(_folder.FullName, "tools");
        // A packages folder of its own: a tool of the same version from an earlier pack must not be what installs.
        var install = await RunAsync(_folder.FullName, "dotnet", Path.Combine(_folder.FullName, "nuget-packages"), "tool", "install", "Cryptshare.Topology.Tool", "--tool-path", tools, "--add-source", feed);
        Assert.That(install.Exit, Is.Zero, install.Output);
        var command = Path.Combine(tools, "cryptshare-topology");
        Assert.That(File.Exists(command), Is.True, install.Output);

        var help = await RunAsync(_folder.FullName, command, null, "--help");
        Assert.That(help.Exit, Is.Zero, help.Output);
        Assert.That(help.Output, Does.Contain("Usage:").And.Contain("run").And.Contain("analyze").And.Contain("--verbose"));

        var outside = await RunAsync(_folder.FullName, command, null, "analyze", "--rules", Path.Combine(RepositoryLayout.Fixtures, "rulesets", "01-documented.nft"));
        Assert.That(outside.Exit, Is.Not.Zero);
        Assert.That(outside.Output, Does.Contain("CTT_REPO_ROOT").And.Contain("containers/").And.Not.Contain("   at "), "what it needs, in one paragraph, no stack trace");
    }

    /// <summary>A process in <paramref name="folder"/> (outside the clone), without CTT_REPO_ROOT; its output and error together.</summary>
    private static async Task<(int Exit, string Output)> RunAsync(string folder, string file, string? packages, params string[] args)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment.Remove("CTT_REPO_ROOT");
        if (packages is not null)
        {
            start.Environment["NUGET_PACKAGES"] = packages;
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
