using Cryptshare.Topology.Runs;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.Input;

namespace Cryptshare.Topology.Tests.Unit.Model;

/// <summary>
/// Strict inputs: every case of the shared table of bad topologies and expectation files
/// (tests/…/Cli/BadInputs/topologies.yml) is refused by the loaders the CLI uses, with file,
/// line and the message the table gives; and the catalog, which no command line names, the same way.
/// </summary>
[TestFixture]
public sealed class StrictInputTests
{
    public static IEnumerable<TestCaseData> TopologyCases =>
        BadInputCase.Read("topologies.yml").Select(c => new TestCaseData(c).SetName($"topologies.yml: {c.Name}"));

    [TestCaseSource(nameof(TopologyCases))]
    public void TheLoadersRefuseEachBadTopologyAsTheTableSays(BadInputCase badInput)
    {
        var folder = Directory.CreateTempSubdirectory("ctt-strict-");
        try
        {
            var args = badInput.Prepare(folder.FullName);
            var topology = BadInputCase.Option(args, "--topology");
            var rules = BadInputCase.Option(args, "--rules");
            TestDelegate load = () => MatrixInputs.Load(topology, rules is null ? [] : [rules]);
            if (badInput.Exit != 2)
            {
                Assert.That(load, Throws.Nothing);
                return;
            }

            var error = Assert.Throws<InputException>(load)!;
            Assert.That(error.Message, Does.Contain(badInput.Substitute(badInput.Says, folder.FullName)));
            Assert.That(error.Message, Does.StartWith(folder.FullName + "/"), "the message names the file first");
            foreach (var never in badInput.Never)
            {
                Assert.That(error.Message, Does.Not.Contain(never));
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private const string Flow = "flows:\n  - id: ui-http\n    port: 80\n    protocol: http\n    direction: in\n    from: [internet]\n    required: always\n";

    [TestCase(Flow + "    prot: 80\n", 8, "flows.ui-http: `prot`: unknown key; did you mean `port`?")]
    [TestCase(Flow + "    closedfrom: [dmz]\n", 8, "flows.ui-http: `closedfrom`: unknown key; did you mean `closedFrom`?")]
    [TestCase(Flow + "proxyProfile:\n  - name: x\n    does: y\n", 8, "catalog: `proxyProfile`: unknown key; did you mean `proxyProfiles`?")]
    [TestCase(Flow + "proxyProfiles:\n  - name: x\n    does: y\n    brakes: z\n", 11, "proxyProfiles.x: `brakes`: unknown key; did you mean `breaks`?")]
    [TestCase("flows:\n  - id: \"ui-http\\n\"\n    port: 80\n    protocol: http\n    direction: in\n    from: [internet]\n    required: always\n", 2, "flows.ui-http\\n: a flow id is a–z, 0–9 and '-', starting with a letter")]
    [TestCase("flows:\n  - id: ui-http\n    port: 080\n    protocol: http\n    direction: in\n    from: [internet]\n    required: always\n", 3, "flows.ui-http.port: '080' is not a port (1–65535)")]
    public void TheCatalogIsReadAsStrictly(string catalog, int line, string message)
    {
        var error = Assert.Throws<InputException>(() => FlowCatalog.Parse("catalog.yml", catalog))!;
        Assert.That(error.Message, Does.StartWith($"catalog.yml:{line}: {message}"));
    }

    [Test]
    public void AKeyFarFromEveryKnownKeyListsThemInstead()
    {
        var error = Assert.Throws<InputException>(() => FlowCatalog.Parse("catalog.yml", Flow + "    colour: blue\n"))!;
        Assert.That(error.Message, Does.StartWith("catalog.yml:8: flows.ui-http: `colour`: unknown key; known keys: id, port, protocol, direction, from, required, closedFrom, purpose, breaks"));
    }
}
