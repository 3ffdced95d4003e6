using System.Text.Json;
using Cryptshare.Topology.Flows;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.Probing;

namespace Cryptshare.Topology.Tests.Unit.Probing;

/// <summary>The probe contract's wire enums and the library's types map member for member, by the same word.</summary>
[TestFixture]
public sealed class ProbeWireTests
{
    [Test]
    public void EveryWireVerdictIsTheObservationOfTheSameWord()
    {
        foreach (var wire in Enum.GetValues<ProbeVerdict>())
        {
            Assert.That(wire.ToVerdict().ToWord(), Is.EqualTo(JsonSerializer.Serialize(wire, ProbeJson.Options).Trim('"')), wire.ToString());
        }

        // host-failed is the harness's word for a flow it could not test (a host at one end failed),
        // never something a probe observes: every other verdict has its wire verdict, and no wire
        // verdict ever reads host-failed.
        var observable = Enum.GetValues<Verdict>().Where(v => v.IsTested()).ToList();
        Assert.That(Enum.GetValues<ProbeVerdict>().Select(v => v.ToVerdict()).Distinct().Order(), Is.EqualTo(observable.Order()), "every observation has a wire verdict");
        Assert.That(Enum.GetValues<ProbeVerdict>().Select(v => v.ToVerdict()), Has.None.EqualTo(Verdict.HostFailed), "no probe reports host-failed");
    }

    [Test]
    public void EveryCatalogProtocolIsSpokenByTheAgentUnderTheSameWord()
    {
        foreach (var protocol in Enum.GetValues<FlowProtocol>())
        {
            Assert.That(JsonSerializer.Serialize(protocol.ToProbeProtocol(), ProbeJson.Options).Trim('"'), Is.EqualTo(protocol.ToWord()), protocol.ToString());
        }
    }

    [Test]
    public void AValueOutsideTheContractIsAnErrorNotADefault()
    {
        Assert.That(() => ((ProbeVerdict)99).ToVerdict(), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => ((FlowProtocol)99).ToProbeProtocol(), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [TestCase("tcp", true)]
    [TestCase("ldaps", true)]
    [TestCase("LDAPS", false)]
    [TestCase("quic", false)]
    [TestCase("3", false)]
    public void OnlyTheCatalogsLowerCaseWordsAreProtocols(string word, bool known) =>
        Assert.That(FlowProtocols.TryParse(word, out _), Is.EqualTo(known));
}
