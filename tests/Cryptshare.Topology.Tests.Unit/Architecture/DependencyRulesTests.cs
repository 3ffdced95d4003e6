using System.Reflection;
using System.Xml.Linq;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.Probing;
using NetArchTest.Rules;

namespace Cryptshare.Topology.Tests.Unit.Architecture;

/// <summary>
/// Dependencies go one way. Inside the library, namespaces form layers, each using only those below
/// it: Input ← Model ← RuleSets ← Flows ← Oracle ← Reports ← History (read from the compiled types,
/// method bodies included, so a fully qualified name counts as much as a using). Between projects:
/// the probe contract depends on nothing of ours, the agent only on the contract, the library on
/// neither the fixtures nor the command-line tool, the fixtures not on the tool (read from the
/// assemblies' references and from the project files).
/// </summary>
[TestFixture]
public sealed class DependencyRulesTests
{
    private const string Root = "Cryptshare.Topology";

    /// <summary>The library's layers, lowest first.</summary>
    public static readonly string[] Layers = ["Input", "Model", "RuleSets", "Flows", "Oracle", "Reports", "History"];

    private static readonly Assembly Library = typeof(TopologyDefinition).Assembly;

    public static IEnumerable<string> LayerNames() => Layers;

    [TestCaseSource(nameof(LayerNames))]
    public void ALayerUsesNoLayerAboveIt(string layer)
    {
        var violations = Layers.SkipWhile(l => l != layer).Skip(1)
            .SelectMany(above => DependentTypes(Library, $"{Root}.{layer}", $"{Root}.{above}").Select(type => $"{type} uses {Root}.{above}"))
            .ToList();
        Assert.That(violations, Is.Empty, $"{Root}.{layer} may use only {string.Join(", ", Layers.TakeWhile(l => l != layer).DefaultIfEmpty("nothing of ours"))}");
    }

    [Test]
    public void EveryNamespaceOfTheLibraryIsInALayer()
    {
        var outside = Library.GetTypes()
            .Select(t => t.Namespace ?? "")
            .Where(ns => ns.StartsWith(Root + ".", StringComparison.Ordinal))
            .Distinct()
            .Where(ns => !Layers.Any(l => ns == $"{Root}.{l}" || ns.StartsWith($"{Root}.{l}.", StringComparison.Ordinal)))
            .ToList();
        Assert.That(outside, Is.Empty, "a new namespace needs its place among the layers (DependencyRulesTests.Layers)");
    }

    /// <summary>Project → the projects of ours it must not use.</summary>
    private static readonly (string Assembly, string Project, string[] Forbidden)[] ProjectRules =
    [
        ("Cryptshare.Topology.Probing", "harness/Cryptshare.Topology.Probing/Cryptshare.Topology.Probing.csproj",
            ["Cryptshare.Topology", "Cryptshare.Topology.Fixtures", "cryptshare-topology", "ctt-probe"]),
        ("ctt-probe", "harness/Cryptshare.Topology.Probe/Cryptshare.Topology.Probe.csproj",
            ["Cryptshare.Topology", "Cryptshare.Topology.Fixtures", "cryptshare-topology"]),
        ("Cryptshare.Topology", "harness/Cryptshare.Topology/Cryptshare.Topology.csproj",
            ["Cryptshare.Topology.Fixtures", "cryptshare-topology", "ctt-probe"]),
        ("Cryptshare.Topology.Fixtures", "fixtures/Cryptshare.Topology.Fixtures/Cryptshare.Topology.Fixtures.csproj",
            ["cryptshare-topology", "ctt-probe"]),
    ];

    public static IEnumerable<TestCaseData> ProjectCases() => ProjectRules.Select(r => new TestCaseData(r.Assembly, r.Project, r.Forbidden).SetArgDisplayNames(r.Assembly));

    [TestCaseSource(nameof(ProjectCases))]
    public void AProjectReferencesNoForbiddenProject(string assembly, string project, string[] forbidden)
    {
        var referenced = Assembly.Load(assembly).GetReferencedAssemblies().Select(a => a.Name!).Intersect(forbidden).ToList();
        var projectFile = Path.Combine(RepositoryLayout.Root, project);
        var declared = XDocument.Load(projectFile).Descendants("ProjectReference")
            .Select(r => Path.GetFileNameWithoutExtension((string?)r.Attribute("Include") ?? ""))
            .Select(AssemblyNameOf)
            .Intersect(forbidden)
            .ToList();
        Assert.Multiple(() =>
        {
            Assert.That(referenced, Is.Empty, $"{assembly} (compiled) references {string.Join(", ", referenced)}");
            Assert.That(declared, Is.Empty, $"{project} has a ProjectReference to {string.Join(", ", declared)}");
        });
    }

    [Test]
    public void TheRulesSeeEveryProjectTheyName()
    {
        // A rule about an assembly that no longer loads would pass for nothing.
        Assert.That(ProjectRules.Select(r => Assembly.Load(r.Assembly).GetName().Name), Is.EqualTo(ProjectRules.Select(r => r.Assembly)));
        Assert.That(typeof(ProbeBatch).Assembly.GetName().Name, Is.EqualTo("Cryptshare.Topology.Probing"));
        Assert.That(DependentTypes(Library, $"{Root}.Reports", $"{Root}.Oracle"), Is.Not.Empty, "the layer check sees real dependencies (Reports uses the Oracle)");
    }

    /// <summary>Types of a namespace (and those below it) that use a type of <paramref name="dependency"/> (a namespace and those below it).</summary>
    private static IReadOnlyList<string> DependentTypes(Assembly assembly, string ns, string dependency) =>
        (Types.InAssembly(assembly).That().ResideInNamespace(ns).And().HaveDependencyOn(dependency).GetTypes() ?? [])
            .Where(t => t.Namespace == ns || (t.Namespace?.StartsWith(ns + ".", StringComparison.Ordinal) ?? false))
            .Select(t => t.FullName!)
            .ToList();

    /// <summary>The assembly a project file builds (the two programs are named apart from their projects).</summary>
    private static string AssemblyNameOf(string projectName) => projectName switch
    {
        "Cryptshare.Topology.Cli" => "cryptshare-topology",
        "Cryptshare.Topology.Probe" => "ctt-probe",
        _ => projectName,
    };
}
