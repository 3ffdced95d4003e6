using Cryptshare.Topology.Input;
using Cryptshare.Topology.Runs;

namespace Cryptshare.Topology.Tests.Unit.Cli;

/// <summary>--out is checked before anything starts; the check leaves nothing behind.</summary>
[TestFixture]
public sealed class OutputPathsTests
{
    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("ctt-out-").FullName;

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void AFolderThatCanBeCreatedIsCheckedAndNotLeftBehind()
    {
        var wanted = Path.Combine(_folder, "a", "b", "reports");
        Assert.That(OutputPaths.Folder(wanted), Is.EqualTo(wanted));
        Assert.That(Directory.EnumerateFileSystemEntries(_folder), Is.Empty, "the check created nothing that stays");
    }

    [Test]
    public void AnExistingFolderKeepsWhatItHolds()
    {
        File.WriteAllText(Path.Combine(_folder, "keep.txt"), "mine");
        Assert.That(OutputPaths.Folder(_folder), Is.EqualTo(_folder));
        Assert.That(Directory.EnumerateFileSystemEntries(_folder).Select(Path.GetFileName), Is.EqualTo(new[] { "keep.txt" }));
    }

    [Test]
    public void AFileWhereTheFolderShouldBeIsBadInput()
    {
        var file = Path.Combine(_folder, "report");
        File.WriteAllText(file, "x");
        var error = Assert.Throws<InputException>(() => OutputPaths.Folder(file));
        Assert.That(error!.Message, Is.EqualTo($"{file}: --out: a file is there; give a folder for the reports"));
    }

    [Test]
    public void AFolderBelowAFileIsBadInputAndLeavesNothing()
    {
        var file = Path.Combine(_folder, "report");
        File.WriteAllText(file, "x");
        Assert.Throws<InputException>(() => OutputPaths.Folder(Path.Combine(file, "sub")));
        Assert.That(Directory.EnumerateFileSystemEntries(_folder).Select(Path.GetFileName), Is.EqualTo(new[] { "report" }));
    }

    [Test]
    public void AFileToWriteNeedsAnExistingFolderAndIsNotAFolder()
    {
        Assert.That(Assert.Throws<InputException>(() => OutputPaths.FileToWrite(_folder))!.Problem, Is.EqualTo("--out: a folder is there; give a file name"));
        Assert.That(Assert.Throws<InputException>(() => OutputPaths.FileToWrite(Path.Combine(_folder, "no", "x.svg")))!.Problem, Does.StartWith("--out: the folder"));
        Assert.That(OutputPaths.FileToWrite(Path.Combine(_folder, "x.svg")), Is.EqualTo(Path.Combine(_folder, "x.svg")));
    }
}
