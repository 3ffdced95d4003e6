using Cryptshare.Topology.Model;

namespace Cryptshare.Topology.Reports;

/// <summary>
/// Everything a finished matrix leaves in <c>--out DIR</c>: report.json (the contract),
/// junit.xml (for CI), report.html (for people; with the pictures when the topology is given).
/// Attach the diagnosis first (<see cref="Diagnostician.Attach(MatrixReport, FlowCatalog, TopologyDefinition?, IEnumerable{RuleSets.RuleSet}, IReadOnlyDictionary{string, RuleSets.RuleSetJson}?)"/>).
/// </summary>
public static class ReportFolder
{
    public const string JsonFileName = "report.json";

    /// <summary>Writes the three files and returns their paths.</summary>
    public static IReadOnlyList<string> Write(string folder, MatrixReport report, TopologyDefinition? topology)
    {
        Directory.CreateDirectory(folder);
        report.WriteTo(folder);
        var junit = Path.Combine(folder, JUnitReport.FileName);
        JUnitReport.Write(report, junit);
        var html = Path.Combine(folder, HtmlReport.FileName);
        HtmlReport.Write(html, report, topology);
        return [Path.Combine(folder, JsonFileName), junit, html];
    }
}
