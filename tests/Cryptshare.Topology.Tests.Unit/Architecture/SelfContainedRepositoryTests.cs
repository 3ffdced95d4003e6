using System.Diagnostics;
using Cryptshare.Topology.Fixtures.Engine;

namespace Cryptshare.Topology.Tests.Unit.Architecture;

/// <summary>
/// The repository explains itself: no code, script or document in it sends the reader to a
/// document outside it (a design note or environment file that a clone does not contain).
/// </summary>
[TestFixture]
public sealed class SelfContainedRepositoryTests
{
    // Spelled in parts so that this file does not match itself.
    private static readonly string[] OutsideDocuments = ["DESIGN" + ".md", "ENVIRONMENT" + ".md", "../" + "shared/"];

    [Test]
    public void NoTrackedFileCitesADocumentOutsideTheRepository()
    {
        var files = TrackedFiles();
        Assert.That(files, Is.Not.Empty, "git ls-files listed nothing: the test would prove nothing");
        var citations = files
            .Where(f => !f.EndsWith(".png", StringComparison.Ordinal))
            .SelectMany(f => File.ReadLines(Path.Combine(RepositoryLayout.Root, f))
                .Select((line, i) => (File: f, Line: i + 1, Text: line)))
            .Where(l => OutsideDocuments.Any(d => l.Text.Contains(d, StringComparison.Ordinal)))
            .Select(l => $"{l.File}:{l.Line}: {l.Text.Trim()}")
            .ToList();
        Assert.That(citations, Is.Empty);
    }

    private static List<string> TrackedFiles()
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = RepositoryLayout.Root, RedirectStandardOutput = true };
        foreach (var arg in new[] { "ls-files", "-z" }) start.ArgumentList.Add(arg);
        using var git = Process.Start(start)!;
        var listing = git.StandardOutput.ReadToEnd();
        git.WaitForExit();
        return listing.Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Where(f => File.Exists(Path.Combine(RepositoryLayout.Root, f)))
            .ToList();
    }
}
