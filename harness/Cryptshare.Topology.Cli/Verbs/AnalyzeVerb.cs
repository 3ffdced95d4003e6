using System.CommandLine;
using Cryptshare.Topology.Runs;
using Cryptshare.Topology.Runs.Static;
using Spectre.Console;

namespace Cryptshare.Topology.Cli.Verbs;

/// <summary>
/// `analyze`: the static matrix (<see cref="StaticAnalysis"/>), no topology started: the real nft
/// parses each rule set, the oracle predicts every flow and names the deciding rule, and the
/// predictions are judged as `run` judges observations (the expectation file, else the deployment
/// profile's requirements and exposures). Exit 0, 1, or 5 when the oracle could not predict a flow
/// (<see cref="ExitCodes"/>).
/// </summary>
internal static class AnalyzeVerb
{
    public static Command Create()
    {
        var topology = PathOptions.File("--topology", "Topology file (YAML). Default: fixtures/topologies/default.yml.");
        var site = PathOptions.File("--site", "A customer's site file (YAML) instead of a topology: its hosts at their real addresses, a client at each zone's agent address.");
        var rules = PathOptions.Files("--rules", "Rule set(s) (nftables). Each may have NN-name.expect.yml (expectations, published addresses) and NN-name.host.nft beside it.");
        rules.Required = true;
        var output = PathOptions.Folder("--out", "Folder for report.json.", "out");
        var format = OutputFormats.Create();
        var command = new Command("analyze", "Predict every documented flow from the rule set alone (nft parses it, the oracle evaluates it): no containers, in well under 2 s.")
        {
            topology, site, rules, output, format,
        };
        command.SetAction(async (parse, ct) =>
        {
            var inputs = MatrixInputs.Load(TopologyOrSite.Topology(parse, topology, site), [.. (parse.GetValue(rules) ?? []).Select(f => f.FullName)], parse.GetValue(site)?.FullName);
            var folder = OutputPaths.Folder(parse.GetValue(output)!.FullName);
            var result = await StaticAnalysis.RunAsync(inputs, folder, ConsoleOutput.Warn, ct);
            EngineLog.Current.OpenFile(folder); // written only now: bad input (a rule set nft refuses) leaves no log behind

            var outputFormat = parse.GetValue(format);
            var console = OutputFormats.HumanConsole(outputFormat);
            if (OutputFormats.Document(outputFormat, result.Report) is { } document)
            {
                OutputFormats.Print(document);
            }
            else
            {
                StaticMatrixTable.Write(console, result.Report);
            }

            JudgementText.Write(console, result.Judgement, result.Report.RuleSets.Select(r => r.Diagnosis));
            console.MarkupLine($"parsed by {Markup.Escape(result.ParsedBy)} in {result.Report.Timings.ParseMs} ms, predicted in {result.Report.Timings.PredictMs} ms");
            console.MarkupLine($"report: {Markup.Escape(result.ReportPath)}");
            return ExitCodes.For(result.Judgement.Outcome);
        });
        return command;
    }
}
