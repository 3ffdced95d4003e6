using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Flows;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.Oracle;
using Cryptshare.Topology.Reports;
using Cryptshare.Topology.RuleSets;

namespace Cryptshare.Topology.Tests.Unit.Reports;

/// <summary>
/// Reports as the matrix would write them, made from the shipped data: the default topology, the
/// catalog and a rule set of the library, with observed verdicts as its expectation file says
/// (or as a test wants) and a deciding rule where the compiled rule set has one; nft's JSON of
/// every rule set the tests diagnose is in parsed/ (regenerate.sh there makes it with the real nft).
/// </summary>
internal static class SampleMatrix
{
    public static readonly FlowCatalog Catalog = FlowCatalog.Load(Path.Combine(RepositoryLayout.Fixtures, "flows", "catalog.yml"));

    public static readonly TopologyDefinition Topology = TopologyLoader.Load(Path.Combine(RepositoryLayout.Fixtures, "topologies", "default.yml"), Catalog);

    public static RuleSet RuleSet(string name) =>
        RuleSetLoader.Load(Path.Combine(RepositoryLayout.Fixtures, "rulesets", name + RuleSetLoader.RuleSetExtension), Catalog);

    /// <summary>nft's JSON of a rule set of the library (and of its host firewall file), as analyze parses it.</summary>
    public static RuleSetJson Parsed(RuleSet ruleSet) =>
        new(Json(ruleSet.Name), ruleSet.HostFirewall is null ? null : Json(ruleSet.Name + ".host"));

    /// <summary>nft's JSON in parsed/ of the file named <paramref name="name"/> (without .nft).</summary>
    public static string Json(string name) => File.ReadAllText(Path.Combine(Folder, name + ".json"));

    /// <summary>A file of parsed/.</summary>
    public static string Text(string file) => File.ReadAllText(Path.Combine(Folder, file));

    /// <summary>The diagnosis context of a library rule set, with its compiled rules.</summary>
    public static DiagnosisContext Context(RuleSet ruleSet, TopologyDefinition? topology = null) =>
        new(Catalog, topology ?? Topology, ruleSet, Parsed(ruleSet));

    /// <summary>Every library rule set's JSON, by name, for <see cref="Diagnostician.Attach(MatrixReport, FlowCatalog, TopologyDefinition?, IEnumerable{RuleSet}, IReadOnlyDictionary{string, RuleSetJson}?)"/>.</summary>
    public static IReadOnlyDictionary<string, RuleSetJson> Parsed(IEnumerable<RuleSet> ruleSets) => ruleSets.ToDictionary(r => r.Name, Parsed);

    private static readonly string Folder = Path.Combine(RepositoryLayout.Root, "tests", "Cryptshare.Topology.Tests.Unit", "Reports", "parsed");

    /// <summary>The rule set's matrix; <paramref name="observe"/> overrides the observed verdict of chosen cases.</summary>
    public static RuleSetReport Report(RuleSet ruleSet, Func<ProbeCase, Verdict?>? observe = null, bool decidingRules = true, RuleSetJson? parsed = null)
    {
        var rules = decidingRules ? RuleSetRules.Perimeter(Path.GetFileName(ruleSet.SourceFile), ruleSet.Text, (parsed ?? Parsed(ruleSet)).Firewall) : null;
        var flows = MatrixPlanner.Plan(Topology, Catalog, ruleSet).Select(c =>
        {
            var observed = observe?.Invoke(c) ?? c.Expected ?? Verdict.Allowed;
            return new FlowReport(
                c.Flow.Id,
                c.FromRole,
                c.Destination.Name,
                c.Port,
                c.Expected,
                observed,
                observed == Verdict.Dropped ? 2000 : 3,
                Detail(observed),
                c.Required,
                c.Exposure,
                Predicted: c.Expected,
                DecidingRule: rules is null ? null : DecidingRule(rules, c.Port, observed));
        }).ToList();
        return new RuleSetReport(ruleSet.Name, ruleSet.Sha256, flows);
    }

    public static MatrixReport Matrix(params RuleSetReport[] ruleSets) => new(ruleSets, new ReportTimings(4200, 1800));

    private static string Detail(Verdict verdict) => verdict switch
    {
        Verdict.Allowed => "exchange completed",
        Verdict.Dropped => "no answer within 2000 ms; trace: dropped",
        Verdict.Rejected => "connection refused (tcp reset)",
        Verdict.Broken => "HTTP 400: missing header X-CS-ClientId",
        _ => "no route to host",
    };

    /// <summary>The first rule accepting the port for an allowed flow, the chain's policy for a refused one: what the trace would name.</summary>
    private static ReportedRule DecidingRule(RuleSetRules rules, int port, Verdict observed)
    {
        if (observed == Verdict.Allowed && rules.Accepting(port).FirstOrDefault() is { } opener)
        {
            return new ReportedRule(opener.Facts.Rule, RuleSource.Kernel, PacketVerdict.Accept);
        }

        return new ReportedRule(new RuleReference("inet", "perimeter", "forward", null, null, "policy drop"), RuleSource.Kernel, PacketVerdict.Drop);
    }
}
