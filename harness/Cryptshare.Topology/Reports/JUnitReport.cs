using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Cryptshare.Topology.Model;

namespace Cryptshare.Topology.Reports;

/// <summary>
/// junit.xml: one test suite per rule set, one test case per probed flow named
/// <c>ruleset/flow-id/from-zone</c>, so that CI systems (Jenkins, GitLab, GitHub, Azure DevOps)
/// show the matrix natively. A case fails when the observed verdict differs from the expected one;
/// where a rule set has no expectations (a customer's), it fails when the diagnosis names the flow
/// (a required flow blocked, or a closed one open). A flow whose host failed is an error (the
/// harness could not test it), never a failure; an incomplete run adds a suite <c>run</c> whose one
/// case, <c>complete</c>, is an error giving the reason, so CI shows why the matrix is short.
/// </summary>
public static class JUnitReport
{
    public const string FileName = "junit.xml";

    /// <summary>The name of the suite an incomplete run adds.</summary>
    public const string IncompleteSuite = "run";

    public static XDocument Build(MatrixReport report)
    {
        var suites = report.RuleSets.Select(Suite).ToList();
        if (report.Incomplete is { } incomplete)
        {
            suites.Add(Incomplete(incomplete));
        }

        return new XDocument(
            new XDeclaration("1.0", "utf-8", null),
            new XElement("testsuites",
                new XAttribute("name", "cryptshare-topology"),
                new XAttribute("tests", suites.Sum(s => (int)s.Attribute("tests")!)),
                new XAttribute("failures", suites.Sum(s => (int)s.Attribute("failures")!)),
                new XAttribute("errors", suites.Sum(s => (int)s.Attribute("errors")!)),
                new XAttribute("time", Seconds(report.Timings.TopologyUpMs + report.Timings.MatrixMs)),
                suites));
    }

    public static void Write(MatrixReport report, string path)
    {
        var settings = new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false) };
        using var writer = XmlWriter.Create(path, settings);
        Build(report).Save(writer);
    }

    private static XElement Suite(RuleSetReport ruleSet)
    {
        var cases = ruleSet.Flows.Select(f => Case(ruleSet, f)).ToList();
        return new XElement("testsuite",
            new XAttribute("name", ruleSet.Name),
            new XAttribute("tests", cases.Count),
            new XAttribute("failures", cases.Count(c => c.Element("failure") is not null)),
            new XAttribute("errors", cases.Count(c => c.Element("error") is not null)),
            new XAttribute("skipped", 0),
            new XAttribute("time", Seconds(ruleSet.Flows.Sum(f => f.ElapsedMs))),
            new XElement("properties",
                new XElement("property", new XAttribute("name", "sha256"), new XAttribute("value", ruleSet.Sha256))),
            cases);
    }

    private static XElement Case(RuleSetReport ruleSet, FlowReport flow)
    {
        var diagnosis = ruleSet.Diagnosis?.FirstOrDefault(d => d.FlowId == flow.Id && d.From == flow.From);
        var rule = flow.DecidingRule?.ToString() ?? Diagnostician.NoRuleRecorded;
        var testCase = new XElement("testcase",
            new XAttribute("classname", ruleSet.Name),
            new XAttribute("name", XmlText.Clean($"{ruleSet.Name}/{flow.Id}/{flow.From}")),
            new XAttribute("time", Seconds(flow.ElapsedMs)));

        if (!flow.Observed.IsTested())
        {
            testCase.Add(new XElement("error",
                new XAttribute("type", flow.Observed.ToWord()),
                new XAttribute("message", XmlText.Clean(flow.Detail)),
                Detail(flow, rule, diagnosis)));
        }
        else if (flow.Expected is { } expected && expected != flow.Observed)
        {
            testCase.Add(new XElement("failure",
                new XAttribute("type", "verdict-mismatch"),
                new XAttribute("message", XmlText.Clean($"expected {expected.ToWord()}, observed {flow.Observed.ToWord()}; deciding rule: {rule}")),
                Detail(flow, rule, diagnosis)));
        }
        else if (flow.Expected is null && diagnosis is not null)
        {
            testCase.Add(new XElement("failure",
                new XAttribute("type", diagnosis.Severity.ToWord()),
                new XAttribute("message", XmlText.Clean($"{diagnosis.Severity.ToWord()}: observed {flow.Observed.ToWord()}; deciding rule: {rule}")),
                Detail(flow, rule, diagnosis)));
        }

        testCase.Add(new XElement("system-out", Detail(flow, rule, diagnosis)));
        return testCase;
    }

    private static XElement Incomplete(IncompleteRun incomplete)
    {
        var text = new StringBuilder().AppendLine(incomplete.Reason);
        foreach (var line in incomplete.Account())
        {
            text.AppendLine(line);
        }

        return new XElement("testsuite",
            new XAttribute("name", IncompleteSuite),
            new XAttribute("tests", 1),
            new XAttribute("failures", 0),
            new XAttribute("errors", 1),
            new XAttribute("skipped", 0),
            new XAttribute("time", Seconds(0)),
            new XElement("testcase",
                new XAttribute("classname", IncompleteSuite),
                new XAttribute("name", "complete"),
                new XAttribute("time", Seconds(0)),
                new XElement("error",
                    new XAttribute("type", incomplete.Cause),
                    new XAttribute("message", XmlText.Clean(incomplete.Reason)),
                    XmlText.Clean(text.ToString()))));
    }

    private static string Detail(FlowReport flow, string rule, DiagnosisLine? diagnosis)
    {
        var text = new StringBuilder()
            .AppendLine($"flow {flow.Id} from {flow.From} to {flow.To}:{flow.Port.ToString(CultureInfo.InvariantCulture)}")
            .AppendLine($"expected: {flow.Expected?.ToWord() ?? "(no expectation)"}")
            .AppendLine($"observed: {flow.Observed.ToWord()} in {flow.ElapsedMs.ToString(CultureInfo.InvariantCulture)} ms")
            .AppendLine($"predicted by the oracle: {flow.Predicted?.ToWord() ?? "(no oracle)"}")
            .AppendLine($"deciding rule: {rule}")
            .AppendLine($"required: {Word(flow.Required)}, must stay closed: {Word(flow.Exposure)}")
            .AppendLine($"detail: {flow.Detail}");
        if (diagnosis is not null)
        {
            text.AppendLine($"diagnosis: {diagnosis.Message}").AppendLine($"fix: {diagnosis.Fix}");
        }

        return XmlText.Clean(text.ToString());
    }

    private static string Word(bool value) => value ? "yes" : "no";

    private static string Seconds(long milliseconds) => (milliseconds / 1000.0).ToString("0.000", CultureInfo.InvariantCulture);
}
