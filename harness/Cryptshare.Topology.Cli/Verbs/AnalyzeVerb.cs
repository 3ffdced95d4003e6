using System.CommandLine;
using System.Diagnostics;
using Cryptshare.Topology.Cli.Matrix;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Fixtures.Firewall;
using Cryptshare.Topology.Input;
using Cryptshare.Topology.Oracle.Matrix;
using Cryptshare.Topology.Reports;
using Spectre.Console;

namespace Cryptshare.Topology.Cli.Verbs;

/// <summary>
/// `analyze`: the static matrix, no topology started. The real nft parses each rule set (in a
/// private network namespace, or one throw-away firewall container where that is not allowed), the
/// oracle predicts every flow and names the deciding rule; prints the table and writes report.json.
/// Exit 0 when every prediction matches its expectation, 1 when any does not, 2 on bad input
/// (a file, line and column from nft, or from the expectation file).
/// </summary>
internal static class AnalyzeVerb
{
    public static Command Create()
    {
        var topology = new Option<FileInfo?>("--topology") { Description = "Topology file (YAML). Default: fixtures/topologies/default.yml." };
        var rules = new Option<FileInfo[]>("--rules")
        {
            Description = "Rule set(s) (nftables). Each may have NN-name.expect.yml (expectations, published addresses) and NN-name.host.nft beside it.",
            AllowMultipleArgumentsPerToken = true,
            Required = true,
        };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for report.json.", DefaultValueFactory = _ => new DirectoryInfo("out") };
        var command = new Command("analyze", "Predict every documented flow from the rule set alone (nft parses it, the oracle evaluates it): no containers, in well under 2 s.")
        {
            topology, rules, output,
        };
        command.SetAction(async (parse, ct) =>
        {
            var clock = Stopwatch.StartNew();
            MatrixInputs inputs;
            try
            {
                inputs = MatrixInputs.Load(parse.GetValue(topology), parse.GetValue(rules) ?? []);
            }
            catch (InputException e)
            {
                await Console.Error.WriteLineAsync(e.Message);
                return ExitCodes.BadInput;
            }

            // A customer's iptables-save export is translated as `run` does it, in the firewall
            // image (that takes the engine and a second or two; nftables input needs neither).
            if (inputs.RuleSets.Any(r => IptablesTranslator.LooksLikeIptablesSave(r.Text)))
            {
                if (!DockerEngine.IsAvailable)
                {
                    await Console.Error.WriteLineAsync("analyze: an iptables-save file is translated in the firewall image, and no Docker engine answers.\n" + DockerEngine.HowToGetOne);
                    return ExitCodes.NoEngine;
                }

                try
                {
                    inputs = await inputs.PreflightAsync(line => Console.Error.WriteLine(line), ct);
                }
                catch (InputException e)
                {
                    await Console.Error.WriteLineAsync(e.Message);
                    return ExitCodes.BadInput;
                }
            }

            await using var parser = NftRuleSetParser.Best();
            if (parser.NeedsEngine && !DockerEngine.IsAvailable)
            {
                await Console.Error.WriteLineAsync("analyze: this machine cannot parse with its own nft (that needs root, nft, ip and unshare), and no Docker engine answers for a firewall container.\n" + DockerEngine.HowToGetOne);
                return ExitCodes.NoEngine;
            }

            ParsedRuleSet[] parsed;
            try
            {
                parsed = await Task.WhenAll(inputs.RuleSets.Select(r => parser.ParseAsync(r, inputs.Topology, ct)));
            }
            catch (NftParseException e)
            {
                await Console.Error.WriteLineAsync(e.Message);
                return ExitCodes.BadInput;
            }

            var parseMs = clock.ElapsedMilliseconds;
            var reports = inputs.RuleSets.Select((ruleSet, i) =>
                StaticMatrix.Predict(inputs.Topology, inputs.Catalog, ruleSet, parsed[i].FirewallJson, parsed[i].HostFirewallJson, parsed[i].ParsedBy)).ToList();
            var report = new StaticMatrixReport(reports, new StaticReportTimings(parseMs, clock.ElapsedMilliseconds - parseMs));
            var folder = parse.GetValue(output)!.FullName;
            report.WriteTo(folder);
            var console = AnsiConsole.Console;
            StaticMatrixTable.Write(console, report);
            console.MarkupLine($"parsed by {Markup.Escape(parser.Name)} in {parseMs} ms, predicted in {report.Timings.PredictMs} ms");
            console.MarkupLine($"report: {Markup.Escape(Path.Combine(folder, "report.json"))}");
            return report.AllMatched ? ExitCodes.Matched : ExitCodes.Mismatch;
        });
        return command;
    }
}
