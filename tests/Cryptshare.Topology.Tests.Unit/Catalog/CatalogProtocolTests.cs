using Cryptshare.Topology.Input;
using Cryptshare.Topology.Model;

namespace Cryptshare.Topology.Tests.Unit.Catalog;

/// <summary>A catalog flow's protocol is one of the known words, typed from load on; anything else stops the load with file and line.</summary>
[TestFixture]
public sealed class CatalogProtocolTests
{
    private const string Catalog = """
        flows:
          - id: web
            port: 443
            protocol: {0}
            direction: in
            from: [internet]
            required: always
        """;

    [TestCase("https", FlowProtocol.Https)]
    [TestCase("tcp", FlowProtocol.Tcp)]
    [TestCase("submission", FlowProtocol.Submission)]
    public void AKnownProtocolIsTyped(string word, FlowProtocol protocol) =>
        Assert.That(FlowCatalog.Parse("catalog.yml", string.Format(Catalog, word)).Get("web").Protocol, Is.EqualTo(protocol));

    [TestCase("quic")]
    [TestCase("HTTPS")]
    [TestCase("6")]
    public void AnUnknownProtocolIsAnInputErrorAtItsLine(string word)
    {
        var error = Assert.Throws<InputException>(() => FlowCatalog.Parse("catalog.yml", string.Format(Catalog, word)))!;
        Assert.That(error.Message, Does.StartWith($"catalog.yml:4: flows.web.protocol: unknown protocol '{word}' (known: http, https, smtp, smtps, submission, ldap, ldaps, ssh, scp, tcp)"));
    }
}
