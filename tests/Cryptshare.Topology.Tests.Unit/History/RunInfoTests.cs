using Cryptshare.Topology.History;

namespace Cryptshare.Topology.Tests.Unit.History;

[TestFixture]
public sealed class RunInfoTests
{
    [TestCase("1.0.0+163807248f726b6dfd1bbdacd63ad935351b5eba", "1.0.0", "163807248f726b6dfd1bbdacd63ad935351b5eba")]
    [TestCase("2.1.0-nightly", "2.1.0-nightly", null)]
    [TestCase("1.0.0+", "1.0.0", null)]
    [TestCase("", null, null)]
    [TestCase(null, null, null)]
    public void VersionAndCommitComeFromTheInformationalVersion(string? informational, string? version, string? commit) =>
        Assert.That(RunInfo.ParseInformationalVersion(informational), Is.EqualTo((version, commit)));

    [Test]
    public void ThisHarnessKnowsItsVersion()
    {
        var run = RunInfo.ForThisHarness(DateTimeOffset.UnixEpoch, "default", new string('a', 64));
        Assert.That(run.HarnessVersion, Is.Not.Null.And.Not.Empty);
    }
}
