using Cryptshare.Topology.Runs;
using Cryptshare.Topology.Fixtures.Archive;
using Cryptshare.Topology.Fixtures.CryptshareServer;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Fixtures.Kinds;
using Cryptshare.Topology.Fixtures.Ldap;
using Cryptshare.Topology.Fixtures.OsRepo;
using Cryptshare.Topology.Fixtures.SmtpRelay;
using Cryptshare.Topology.Fixtures.UpdateServer;
using Cryptshare.Topology.Model;

namespace Cryptshare.Topology.Tests.Unit.Kinds;

/// <summary>
/// Every kind a topology may name has exactly one spec and one image context, and the ports a kind's
/// builder listens on by default are the catalog's ports of the flows it serves (a topology takes
/// them from the catalog; a builder on its own from its constants: they must not part).
/// </summary>
[TestFixture]
public sealed class HostSpecsTests
{
    private static readonly FlowCatalog Catalog = FlowCatalog.Load(MatrixInputs.CatalogPath);

    [Test]
    public void EveryTopologyKindHasOneSpecAndAnImageContext()
    {
        Assert.That(HostSpecs.All.Select(s => s.Kind), Is.EquivalentTo(HostKinds.All).And.Unique);
        foreach (var kind in HostKinds.All)
        {
            Assert.That(HostSpecs.Of(kind).Kind, Is.EqualTo(kind));
            Assert.That(File.Exists(Path.Combine(RepositoryLayout.Containers, kind, "Dockerfile")), Is.True, $"containers/{kind}/Dockerfile");
        }

        Assert.That(() => HostSpecs.Of("mainframe"), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void OnlyTheKindsWhoseImageCarriesTheProbeAgentOriginateProbes()
    {
        var sources = HostSpecs.All.Where(s => s.CarriesProbeAgent).Select(s => s.Kind).ToList();
        Assert.That(sources, Is.EquivalentTo(new[] { HostKinds.Client, HostKinds.CryptshareServer }));
        foreach (var kind in HostKinds.All)
        {
            var publishes = File.Exists(Path.Combine(RepositoryLayout.Containers, kind, "publish.list")) &&
                            File.ReadAllText(Path.Combine(RepositoryLayout.Containers, kind, "publish.list")).Contains("Cryptshare.Topology.Probe.csproj", StringComparison.Ordinal);
            Assert.That(publishes, Is.EqualTo(sources.Contains(kind)), $"{kind}: its publish.list carries the agent exactly when its spec says it originates probes");
        }
    }

    [Test]
    public void BuilderDefaultPortsAreTheCatalogsPortsOfTheirFlows()
    {
        Assert.Multiple(() =>
        {
            foreach (var (listener, port) in CryptshareServerPorts.Default.All())
            {
                Assert.That(port, Is.EqualTo(Catalog.Get(listener.FlowId()).Port), listener.FlowId());
            }

            Assert.That(Catalog.Get("smtp").Port, Is.EqualTo(SmtpRelayBuilder.StandardPort(SmtpRelayMode.Plain)));
            Assert.That(Catalog.Get("smtps").Port, Is.EqualTo(SmtpRelayBuilder.StandardPort(SmtpRelayMode.ImplicitTls)));
            Assert.That(Catalog.Get("submission").Port, Is.EqualTo(SmtpRelayBuilder.StandardPort(SmtpRelayMode.StartTls)));
            Assert.That(Catalog.Get("ldap").Port, Is.EqualTo(LdapBuilder.LdapPort));
            Assert.That(Catalog.Get("ldaps").Port, Is.EqualTo(LdapBuilder.LdapsPort));
            Assert.That(Catalog.Get("global-catalog").Port, Is.EqualTo(LdapBuilder.GlobalCatalogPort));
            Assert.That(Catalog.Get("archive-scp").Port, Is.EqualTo(ArchiveBuilder.SshPort));
            Assert.That(Catalog.Get("product-updates").Port, Is.EqualTo(UpdateServerBuilder.HttpsPort));
            Assert.That(Catalog.Get("os-updates").Port, Is.EqualTo(OsRepoBuilder.HttpPort));
        });
    }
}
