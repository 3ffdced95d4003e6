using Cryptshare.Topology.Probe.Security;
using Cryptshare.Topology.Probing;

namespace Cryptshare.Topology.Tests.Unit.Probing;

[TestFixture]
public sealed class SecretScrubberTests
{
    [Test]
    public void MasksPasswordsKeysAndTheirEncodings()
    {
        const string Key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\nQUJDREVGR0hJSktMTU5PUA==\n-----END OPENSSH PRIVATE KEY-----\n";
        var scrubber = new SecretScrubber([new ProbeCredentials("bind", "pw-Secret"), new ProbeCredentials("scp", PrivateKeyPem: Key), null]);

        var text = scrubber.Scrub(
            "plain pw-Secret; base64 cHctU2VjcmV0; sasl AGJpbmQAcHctU2VjcmV0; key line QUJDREVGR0hJSktMTU5PUA==; whole " + Key);

        Assert.That(text, Does.Not.Contain("pw-Secret").And.Not.Contain("cHctU2VjcmV0").And.Not.Contain("QUJDREVGR0hJSktMTU5PUA").And.Not.Contain("b3BlbnNzaC1rZXktdjEAAAAA"));
        Assert.That(text, Does.StartWith("plain ***; base64 ***; sasl ***; key line ***; whole ***"));
    }
}
