using Cryptshare.Topology.Runs;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Fixtures.Kinds;
using Cryptshare.Topology.Fixtures.Pki;
using Cryptshare.Topology.Fixtures.Topology;
using Cryptshare.Topology.Model;

namespace Cryptshare.Topology.Tests.Unit.Kinds;

/// <summary>
/// What a kind's spec gives a host placed in a topology, without an engine: ports from the one
/// port rule (<see cref="FlowDefinition.PortOn"/>), secrets only in owner-only files, never in the
/// environment.
/// </summary>
[TestFixture]
public sealed class HostSpecInTopologyTests
{
    private static readonly FlowCatalog Catalog = FlowCatalog.Load(MatrixInputs.CatalogPath);

    private static TopologyContext Context(string topology) =>
        new(TopologyLoader.Load(Path.Combine(RepositoryLayout.Fixtures, "topologies", topology), Catalog), Catalog, new HarnessPki());

    /// <summary>Every host of the topology with what its kind gives its container there.</summary>
    private static IEnumerable<(HostDefinition Host, ContainerSpec Spec)> Specs(TopologyContext context) =>
        context.Definition.Hosts.Select(h => (h, HostSpecs.Of(h.Kind).ContainerIn(h, context)));

    [TestCase("default.yml")]
    [TestCase("reverse-proxy.yml")]
    public void EveryHostPublishesThePortOfEveryFlowItServes(string topology)
    {
        foreach (var (host, spec) in Specs(Context(topology)))
        {
            var served = host.Serves.Select(f => Catalog.Get(f).PortOn(host)).Distinct();
            Assert.That(spec.PublishedPorts, Is.SupersetOf(served), $"{host.Name} ({host.Kind})");
        }
    }

    [TestCase("default.yml")]
    [TestCase("reverse-proxy.yml")]
    public void SecretsAreInOwnerOnlyFilesAndNeverInTheEnvironment(string topology)
    {
        var context = Context(topology);
        foreach (var (host, spec) in Specs(context))
        {
            var environment = string.Join("\n", spec.Environment.Select(e => $"{e.Key}={e.Value}"));
            Assert.That(context.Secrets.All.Where(environment.Contains), Is.Empty, $"{host.Name}: no secret in the environment");
            Assert.That(environment, Does.Not.Contain("PRIVATE KEY"), host.Name);
            foreach (var file in spec.Files.Where(f => f.Content is FileContent.Text))
            {
                var content = ((FileContent.Text)file.Content).Value;
                var secret = context.Secrets.All.Any(content.Contains) || content.Contains("PRIVATE KEY", StringComparison.Ordinal);
                Assert.That(!secret || FileModes.IsSecret(file.Mode), Is.True, $"{host.Name}: {file.Path} holds a secret, so nobody but root reads it");
            }
        }
    }

    [Test]
    public void APortOverrideMovesTheListenerAndTheProbe()
    {
        var context = Context("default.yml");
        var ldap = context.Definition.Hosts.Single(h => h.Kind == HostKinds.Ldap);
        var moved = ldap with { Ports = new Dictionary<string, int> { ["ldaps"] = 686 } };
        var spec = HostSpecs.Of(HostKinds.Ldap).ContainerIn(moved, context);
        Assert.That(spec.Environment.Single(e => e.Key == "CTT_LISTENERS").Value, Does.Contain("ldaps:686").And.Not.Contain("ldaps:636"));
        Assert.That(Catalog.Get("ldaps").PortOn(moved), Is.EqualTo(686), "the planner probes the same port");
    }
}
