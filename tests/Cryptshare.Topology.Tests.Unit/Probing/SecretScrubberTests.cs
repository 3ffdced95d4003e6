using Cryptshare.Topology.Model;
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

    /// <summary>
    /// The portable agent's live reports: the credentials file's secrets, in every form, are masked
    /// wherever the agent writes (the live report, its console) — and what is no secret (a user
    /// name, the Outlook add-in's API version "1") is not, or every digit 1 would be masked.
    /// </summary>
    [Test]
    public void MasksEverySecretOfASiteCredentialsFileAndNothingElse()
    {
        const string Key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\nQUJDREVGR0hJSktMTU5PUA==\n-----END OPENSSH PRIVATE KEY-----\n";
        var credentials = new SiteCredentials(new Dictionary<string, HostCredentials>
        {
            ["ldap"] = new(new ProbeCredentials("cn=bind", "pw-Secret"), new Dictionary<string, string>()),
            ["archive"] = new(new ProbeCredentials("archive", PrivateKeyPem: Key), new Dictionary<string, string>()),
            ["cryptshare"] = new(null, new Dictionary<string, string> { ["X-CS-Password"] = "xcs-Secret", ["X-CS-ClientId"] = "client-Secret", ["X-CS-MajorApiVersion"] = "1" }),
        });

        var text = credentials.Scrub("bind cn=bind pw-Secret cHctU2VjcmV0 QUJDREVGR0hJSktMTU5PUA== xcs-Secret client-Secret version 1");

        Assert.That(text, Is.EqualTo("bind cn=bind *** *** *** *** *** version 1"));
        Assert.That(credentials.SecretValues, Does.Not.Contain("1").And.Not.Contain("cn=bind"));
    }
}
