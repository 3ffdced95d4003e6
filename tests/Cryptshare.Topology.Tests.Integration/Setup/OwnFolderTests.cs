namespace Cryptshare.Topology.Tests.Integration.Setup;

/// <summary>
/// The scripts that run as root delete only what they created: eng/own-folder.sh (the nightly's
/// artifacts folder) empties a folder only when its marker file says it is the job's own.
/// </summary>
[TestFixture]
[Category("Setup")]
public sealed class OwnFolderTests
{
    private const string Marker = ".ctt-test-marker";
    private DirectoryInfo _scratch = null!;

    [SetUp]
    public void CreateScratchFolder() => _scratch = Directory.CreateTempSubdirectory("ctt-own-folder-");

    [TearDown]
    public void RemoveScratchFolder() => _scratch.Delete(recursive: true);

    [Test]
    public async Task ANewFolderIsCreatedWithTheMarkerAndEmptiedAtTheNextRun()
    {
        var folder = Path.Combine(_scratch.FullName, "artifacts");
        var first = await OwnFolderAsync(folder);
        Assert.That(first.ExitCode, Is.Zero, first.ToString());
        Assert.That(first.Stdout.Trim(), Is.EqualTo(folder), "prints the folder's absolute path");
        Assert.That(File.Exists(Path.Combine(folder, Marker)), Is.True);

        Directory.CreateDirectory(Path.Combine(folder, "matrix"));
        await File.WriteAllTextAsync(Path.Combine(folder, "matrix", "report.json"), "{}");
        await File.WriteAllTextAsync(Path.Combine(folder, "run.trx"), "<x/>");
        var second = await OwnFolderAsync(folder);
        Assert.That(second.ExitCode, Is.Zero, second.ToString());
        Assert.That(Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName), Is.EquivalentTo(new[] { Marker }), "emptied, marker kept");
    }

    [Test]
    public async Task AFolderWithContentAndNoMarkerIsRefusedAndLeftAsItIs()
    {
        var folder = _scratch.CreateSubdirectory("someone-elses");
        var file = Path.Combine(folder.FullName, "thesis.tex");
        await File.WriteAllTextAsync(file, "years of work");
        // A marker that is a link to elsewhere is not ours either.
        File.CreateSymbolicLink(Path.Combine(folder.FullName, Marker), file);

        var result = await OwnFolderAsync(folder.FullName);
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
            Assert.That(result.Stderr.Trim().Split('\n'), Has.Length.EqualTo(1), "one line");
            Assert.That(result.Stderr, Does.Contain(folder.FullName).And.Contain("new or empty folder"));
            Assert.That(File.ReadAllText(file), Is.EqualTo("years of work"));
            Assert.That(Directory.EnumerateFileSystemEntries(folder.FullName).Count(), Is.EqualTo(2), "nothing added or removed");
        });
    }

    [Test]
    public async Task AFileIsNoFolderAndIsRefused()
    {
        var file = Path.Combine(_scratch.FullName, "notes.txt");
        await File.WriteAllTextAsync(file, "keep");
        var result = await OwnFolderAsync(file);
        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(File.ReadAllText(file), Is.EqualTo("keep"));
    }

    [Test]
    public async Task NightlyRefusesAForeignArtifactsFolderBeforeRunningAnything()
    {
        var folder = _scratch.CreateSubdirectory("ci-cache");
        var file = Path.Combine(folder.FullName, "cache.bin");
        await File.WriteAllTextAsync(file, "cached");
        var written = File.GetLastWriteTimeUtc(file);

        // A relative folder is the caller's: run from the scratch folder.
        var result = await RepositoryScript.RunAsync(".ci/nightly", _scratch.FullName, "--artifacts", "ci-cache");
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
            Assert.That(result.Stderr.Trim().Split('\n'), Has.Length.EqualTo(1), "one line");
            Assert.That(result.Stderr, Does.StartWith("nightly: --artifacts").And.Contain(folder.FullName));
            Assert.That(result.Stdout, Does.Not.Contain("[nightly] the rule-set library"), "nothing started");
            Assert.That(Directory.EnumerateFileSystemEntries(folder.FullName).Select(Path.GetFileName), Is.EquivalentTo(new[] { "cache.bin" }));
            Assert.That(File.GetLastWriteTimeUtc(file), Is.EqualTo(written));
        });
    }

    private Task<RepositoryScript.Result> OwnFolderAsync(string folder) =>
        RepositoryScript.RunAsync("eng/own-folder.sh", _scratch.FullName, Marker, folder);
}
