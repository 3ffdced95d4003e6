namespace Cryptshare.Topology.Tests.Integration.Setup;

/// <summary>
/// ./cryptshare-topology runs the engine set-up, which may install packages and start dockerd, only
/// for verbs that need an engine. The set-up always says so in a "[setup] …" line, even when it finds
/// nothing to do; no such line means it did not run.
/// </summary>
[TestFixture]
[Category("Setup")]
public sealed class WrapperSetUpTests
{
    private const string Wrapper = "cryptshare-topology";
    private const string SetUpLine = "[setup] ";

    private DirectoryInfo _scratch = null!;

    [OneTimeSetUp]
    public void CreateScratchFolder() => _scratch = Directory.CreateTempSubdirectory("ctt-wrapper-");

    [OneTimeTearDown]
    public void RemoveScratchFolder() => _scratch.Delete(recursive: true);

    // Arguments separated by spaces.
    [TestCase("", TestName = "No arguments")]
    [TestCase("--help")]
    [TestCase("-h")]
    [TestCase("graph")]
    [TestCase("history")]
    [TestCase("diff 1 2")]
    [TestCase("analyze --rules /nonexistent/rules.nft")]
    [TestCase("run --help")]
    [TestCase("stauts", TestName = "A mistyped verb")]
    public async Task VerbsThatNeedNoEngineLeaveTheSetUpAlone(string commandLine)
    {
        var arguments = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var result = await RepositoryScript.RunAsync(Wrapper, _scratch.FullName, arguments);
        Assert.That(result.Stderr, Does.Not.Contain(SetUpLine), result.ToString());
        Assert.That(result.Stdout + result.Stderr, Is.Not.Empty, "the tool answered");
    }

    [Test]
    public async Task StatusNeedsAnEngineAndRunsTheSetUp()
    {
        var result = await RepositoryScript.RunAsync(Wrapper, _scratch.FullName, "status");
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stderr, Does.StartWith(SetUpLine), result.ToString());
    }
}
