using Cryptshare.Topology.Cli;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Fixtures.Firewall;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.Reports;
using Cryptshare.Topology.Runs;
using Cryptshare.Topology.Runs.Live;
using Cryptshare.Topology.Runs.Static;
using Cryptshare.Topology.Tests.Integration.Cli;

namespace Cryptshare.Topology.Tests.Integration.Oracle;

/// <summary>
/// `analyze` (nft parses the file, the oracle predicts; no topology) against the live matrix of the
/// default topology (the firewall's trace names the rule), both through the use-cases the verbs call
/// (<see cref="StaticAnalysis"/>, <see cref="LiveMatrix"/>): for every rule set of the library,
/// every flow's predicted verdict is the observed one and the deciding rule is the one the kernel
/// applied; and both verbs judge alike (same diagnosis, same exit code), also on the customer fixture.
/// </summary>
[TestFixture]
[Category("Oracle")]
[NonParallelizable] // Starts the default topology, which owns the fixed subnets 10.77.1-4.0/24: only one may run at a time.
public sealed class AnalyzeAgreesWithLiveMatrixTests
{
    private static readonly MatrixInputs Library = MatrixInputs.Load(null, MatrixInputs.LibraryRuleSetPaths());

    /// <summary>The library as run and analyze prepare it (iptables-save files translated for the oracle).</summary>
    private MatrixInputs _library = Library;

    private readonly Dictionary<string, RuleSetRun> _live = [];
    private readonly Dictionary<string, StaticRuleSetReport> _static = [];

    public static IEnumerable<string> RuleSetNames => Library.RuleSets.Select(r => r.Name);

    [OneTimeSetUp]
    public async Task AnalyzeAndRunTheLibrary()
    {
        // As run and analyze prepare them: iptables-save files translated for the oracle.
        _library = await Library.PreflightAsync(_ => { }, CancellationToken.None);
        await using (var parser = NftRuleSetParser.Best())
        {
            var parsed = await StaticAnalysis.ParseAsync(_library, parser, CancellationToken.None);
            foreach (var report in StaticAnalysis.Predict(_library, parsed))
            {
                _static[report.Name] = report;
            }
        }

        await using var live = await LiveMatrix.StartAsync(_library.Topology, _library.Catalog);
        var routing = await live.CheckRoutingAsync();
        Assert.That(routing.Broken.Select(r => $"{r.Source} → {r.Destination}: {r.Observed} ({r.Detail})"), Is.Empty, "the topology's own routing");
        foreach (var ruleSet in _library.RuleSets)
        {
            _live[ruleSet.Name] = await live.RunRuleSetAsync(ruleSet);
        }
    }

    [TestCaseSource(nameof(RuleSetNames))]
    public void EveryFlowIsPredictedWithTheKernelsRule(string ruleSet)
    {
        var predicted = _static[ruleSet].Flows.ToDictionary(f => (f.Id, f.From));
        var problems = new List<string>();
        foreach (var attributed in _live[ruleSet].Flows)
        {
            var outcome = attributed.Outcome;
            var flow = predicted[(outcome.Case.Flow.Id, outcome.Case.Source.Zone)];
            var kernelRule = attributed.Kernel is { } kernel ? ReportedRule.From(kernel.Rule, kernel.Verdict, RuleSource.Kernel) : null;
            var oracleRule = flow.DecidingRule;
            if (flow.Predicted != outcome.Observed)
            {
                problems.Add($"{outcome.Case.Name}: analyze predicts {flow.Predicted?.ToWord() ?? "nothing"} ({flow.Detail}), the live matrix observed {outcome.Observed.ToWord()} ({outcome.Detail})");
            }

            if (kernelRule is null ? oracleRule is not null : !kernelRule.IsSameRuleAs(oracleRule))
            {
                problems.Add($"{outcome.Case.Name}: analyze names {oracleRule?.ToString() ?? "no rule"}, the kernel applied {kernelRule?.ToString() ?? $"no rule ({attributed.KernelNote})"}");
            }
        }

        Assert.That(problems, Is.Empty);
    }

    /// <summary>
    /// The judgement `run` makes from the observations and the one `analyze` makes from the
    /// predictions give the same exit code (through the tool's one mapping) and the same diagnosis.
    /// </summary>
    [TestCaseSource(nameof(RuleSetNames))]
    public void AnalyzeAndRunJudgeAlike(string ruleSet)
    {
        var inputs = _library with { RuleSets = [_library.RuleSets.Single(r => r.Name == ruleSet)] };
        var (_, run) = RunPipeline.JudgeMatrix(new MatrixReport([_live[ruleSet].Report()], new ReportTimings(0, 0)), inputs);
        var (_, analyze) = StaticAnalysis.JudgeMatrix(new StaticMatrixReport([_static[ruleSet]], new StaticReportTimings(0, 0)), inputs);

        Assert.That(run.Flows, Is.GreaterThan(0), "the matrix is not empty");
        Assert.That(ExitCodes.For(analyze.Outcome), Is.EqualTo(ExitCodes.For(run.Outcome)),
            $"run: {Describe(run)}\nanalyze: {Describe(analyze)}");
        // The same lines, in any order (the live report lists flows by source host). The rule is the
        // same rule (EveryFlowIsPredictedWithTheKernelsRule), but its text is the kernel's trace
        // line (with its comment) on one side and nft's JSON on the other: compared without it.
        Assert.That(analyze.Problems.Select(WithoutRuleText), Is.EquivalentTo(run.Problems.Select(WithoutRuleText)), "the same diagnosis lines");
    }

    /// <summary>The customer fixture (an iptables-save export and the customer's address plan) through both verbs as processes.</summary>
    [Test]
    public async Task AnalyzeAndRunExitAlikeOnTheCustomerFixture()
    {
        var customer = Path.Combine(RepositoryLayout.Fixtures, "customers", "acme");
        string[] inputs = ["--topology", Path.Combine(customer, "topology.yml"), "--rules", Path.Combine(customer, "acme.rules")];
        var output = Directory.CreateTempSubdirectory("ctt-alike-");
        var (runId, analyzeId) = (ToolProcess.NewRunId(), ToolProcess.NewRunId());
        try
        {
            var analyze = await ToolProcess.RunAsync(analyzeId, ["analyze", .. inputs, "--out", Path.Combine(output.FullName, "analyze")]);
            var run = await ToolProcess.RunAsync(runId, ["run", .. inputs, "--out", Path.Combine(output.FullName, "run")]);

            Assert.That(run.ExitCode, Is.EqualTo(1), "a required flow is blocked\n" + run);
            Assert.That(analyze.ExitCode, Is.EqualTo(run.ExitCode), analyze.ToString());
            Assert.That(analyze.Stdout, Does.Match(@"blocked: ldaps from (dmz|cryptshare).*port 636.*dropped"), "the same diagnosis as run");
            Assert.That(analyze.Stdout, Does.Contain("acme.rules:10").And.Contain("opens 686"));
        }
        finally
        {
            await HarnessJanitor.RemoveAsync(runId);
            await HarnessJanitor.RemoveAsync(analyzeId);
            output.Delete(recursive: true);
        }
    }

    private static string WithoutRuleText(DiagnosisLine line) => (line with { Rule = string.Empty }).ToString();

    private static string Describe(Judgement judgement) =>
        $"{judgement.Outcome}: {judgement.Mismatches.Count} mismatches, {judgement.Problems.Count} diagnosis lines, {judgement.NotPredicted.Count} not predicted" +
        string.Concat(judgement.Mismatches.Select(m => $"\n  {m.RuleSet}/{m.Id}/{m.From}: expected {m.Expected.ToWord()}, got {m.Verdict.ToWord()}")) +
        string.Concat(judgement.NotPredicted.Select(n => $"\n  {n.RuleSet}/{n.Id}/{n.From}: not predicted ({n.Why})"));
}
