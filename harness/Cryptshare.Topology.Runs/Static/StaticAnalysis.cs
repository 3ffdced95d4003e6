using System.Diagnostics;
using Cryptshare.Topology.Fixtures.Firewall;
using Cryptshare.Topology.Fixtures.Progress;
using Cryptshare.Topology.Reports;
using Cryptshare.Topology.RuleSets;

namespace Cryptshare.Topology.Runs.Static;

/// <summary>A finished <c>analyze</c>: the static report (diagnosis attached) as written, its judgement, which nft parsed, where the report is.</summary>
public sealed record AnalyzeResult(StaticMatrixReport Report, Judgement Judgement, string ParsedBy, string ReportPath);

/// <summary>
/// The <c>analyze</c> use-case, no topology started: translate iptables-save exports (in the
/// firewall image, as <c>run</c> does), parse with the real nft, predict every flow with the oracle,
/// judge exactly as <c>run</c> judges (<see cref="Judge"/>), write report.json.
/// </summary>
public static class StaticAnalysis
{
    private const string NoParserHere = "analyze: this machine cannot parse with its own nft (that needs root, nft, ip and unshare), and no Docker engine answers for a firewall container.";

    /// <summary>Step: iptables-save exports translated to nftables in the firewall image (that takes the engine; nftables input needs none).</summary>
    public static async Task<MatrixInputs> TranslateAsync(MatrixInputs inputs, Action<string> warn, CancellationToken ct)
    {
        if (!inputs.NeedsTranslation)
        {
            return inputs;
        }

        Engine.Require("analyze: an iptables-save file is translated in the firewall image, and no Docker engine answers.");
        return await inputs.PreflightAsync(warn, ct);
    }

    /// <summary>Step: every rule set through the real nft; a rule set nft refuses is an <see cref="NftParseException"/> with nft's message.</summary>
    public static async Task<IReadOnlyList<ParsedRuleSet>> ParseAsync(MatrixInputs inputs, NftRuleSetParser parser, CancellationToken ct, IProgress<PhaseProgress>? progress = null)
    {
        if (parser.NeedsEngine)
        {
            Engine.Require(NoParserHere);
        }

        var phase = PhaseTracker.Start(progress, Phase.Parse, "parse", inputs.RuleSets.Count, $"by {parser.Name}");
        var parsed = await Task.WhenAll(inputs.RuleSets.Select(async r =>
        {
            var one = await parser.ParseAsync(r, inputs.Topology, ct);
            phase.Step(r.Name);
            return one;
        }));
        phase.Finish($"{inputs.RuleSets.Count} rule set(s) by {parser.Name}");
        return parsed;
    }

    /// <summary>Step: every flow of every rule set predicted by the oracle from nft's JSON.</summary>
    public static IReadOnlyList<StaticRuleSetReport> Predict(MatrixInputs inputs, IReadOnlyList<ParsedRuleSet> parsed) =>
        inputs.RuleSets.Select((ruleSet, i) =>
            StaticMatrix.Predict(inputs.Topology, inputs.Catalog, ruleSet, parsed[i].FirewallJson, parsed[i].HostFirewallJson, parsed[i].ParsedBy)).ToList();

    /// <summary>Step: the diagnosis <c>run</c> would make, from the predictions, and the judgement of the whole.</summary>
    public static (StaticMatrixReport Report, Judgement Judgement) JudgeMatrix(StaticMatrixReport report, MatrixInputs inputs, IReadOnlyDictionary<string, RuleSetJson>? parsed = null)
    {
        var diagnosed = Diagnostician.Attach(report, inputs.Catalog, inputs.Topology, inputs.RuleSets, parsed);
        return (diagnosed, Judge.Static(diagnosed));
    }

    /// <summary>
    /// The warm-up done before the predictions: once nft is through, a warm-up still running would
    /// only compete with the real work for the CPU, so it is told to stop at its next listing. Its
    /// own failure decides nothing (the predictions that follow meet the same code and report it).
    /// </summary>
    private static async Task FinishedAsync(Task warmUp, CancellationTokenSource stop)
    {
        await stop.CancelAsync();
        try
        {
            await warmUp;
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException or ArgumentException or FormatException)
        {
            // Only the warm-up's: nothing of it is reported.
        }
    }

    /// <summary>
    /// The whole use-case: translate, parse, predict, judge, write <c>report.json</c> into
    /// <paramref name="outputFolder"/>. Interrupted while nft parses (a signal), it writes the rule
    /// sets already parsed, marked incomplete with the rest named, and throws
    /// <see cref="PartialReportException"/>; the parser's processes are ended by then.
    /// </summary>
    public static async Task<AnalyzeResult> RunAsync(MatrixInputs inputs, string outputFolder, Action<string> warn, CancellationToken ct, IProgress<PhaseProgress>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        inputs = await TranslateAsync(inputs, warn, ct);
        await using var parser = NftRuleSetParser.Best();
        using var warmUpStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var warmUp = OracleWarmup.StartAsync(inputs.Topology, inputs.Catalog, warmUpStop.Token);
        var parsed = new ParsedRuleSet?[inputs.RuleSets.Count];
        var reportPath = Path.Combine(outputFolder, ReportFolder.JsonFileName);
        long parseMs;
        try
        {
            if (parser.NeedsEngine)
            {
                Engine.Require(NoParserHere);
            }

            var phase = PhaseTracker.Start(progress, Phase.Parse, "parse", inputs.RuleSets.Count, $"by {parser.Name}");
            await Task.WhenAll(inputs.RuleSets.Select(async (ruleSet, i) =>
            {
                parsed[i] = await parser.ParseAsync(ruleSet, inputs.Topology, ct);
                phase.Step(ruleSet.Name);
            }));
            phase.Finish($"{inputs.RuleSets.Count} rule set(s) by {parser.Name}");
            parseMs = clock.ElapsedMilliseconds;
        }
        catch (OperationCanceledException stop) when (ct.IsCancellationRequested)
        {
            var done = Enumerable.Range(0, parsed.Length).Where(i => parsed[i] is not null).ToList();
            var partialInputs = inputs with { RuleSets = done.Select(i => inputs.RuleSets[i]).ToList() };
            var notParsed = inputs.RuleSets.Where((_, i) => parsed[i] is null).Select(r => r.Name).ToList();
            var incomplete = new IncompleteRun(IncompleteCauses.Interrupted,
                $"{Interruptions.Describe()} while nft parsed {string.Join(", ", notParsed)}; those rule sets are missing.",
                Interruptions.Current?.At ?? DateTimeOffset.UtcNow, 0, 1, notParsed, []);
            var parsedSoFar = done.Select(i => parsed[i]!).ToList();
            var partial = new StaticMatrixReport(Predict(partialInputs, parsedSoFar), new StaticReportTimings(clock.ElapsedMilliseconds, 0), incomplete);
            JudgeMatrix(partial, partialInputs, ParsedJson.ByName(partialInputs, parsedSoFar)).Report.WriteTo(outputFolder);
            throw new PartialReportException(reportPath, stop);
        }
        finally
        {
            // Whatever the parse came to, the warm-up ends here and not in the background.
            await FinishedAsync(warmUp, warmUpStop);
        }

        var all = parsed.Select(p => p!).ToList();
        var predictPhase = PhaseTracker.Start(progress, Phase.Predict, "predict", inputs.RuleSets.Count, "the oracle");
        var predicted = new StaticMatrixReport(Predict(inputs, all), new StaticReportTimings(parseMs, clock.ElapsedMilliseconds - parseMs));
        var (report, judgement) = JudgeMatrix(predicted, inputs, ParsedJson.ByName(inputs, all));
        predictPhase.Finish($"{report.RuleSets.Sum(r => r.Flows.Count)} flows predicted");
        report.WriteTo(outputFolder);
        return new AnalyzeResult(report, judgement, parser.Name, reportPath);
    }
}
