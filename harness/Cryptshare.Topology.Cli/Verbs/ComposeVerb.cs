using System.CommandLine;
using Cryptshare.Topology.Cli.Compose;
using Cryptshare.Topology.Fixtures.Firewall;
using Cryptshare.Topology.Input;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.RuleSets;
using Cryptshare.Topology.Runs;
using Spectre.Console;

namespace Cryptshare.Topology.Cli.Verbs;

/// <summary>
/// `compose`: renders a topology as docker-compose.yml plus its support folder (certificates from a
/// CA of its own, random credentials, the directory LDIF) and builds the images it names, so that
/// `docker compose up -d` brings the topology up for manual work exactly as the harness would.
/// </summary>
internal static class ComposeVerb
{
    public const string FileName = "docker-compose.yml";

    public static Command Create()
    {
        var topologyOption = new Option<FileInfo?>("--topology") { Description = "Topology file (YAML). Default: fixtures/topologies/default.yml.", HelpName = "FILE" };
        var rulesOption = new Option<FileInfo?>("--rules") { Description = "Rule set the firewall loads after boot (nftables). Default: the documented rule set.", HelpName = "FILE" };
        var outOption = new Option<DirectoryInfo>("--out")
        {
            Description = $"Folder for {FileName} and its {ComposePlan.SupportFolder}/ folder. Default: the current folder.",
            HelpName = "DIR",
            DefaultValueFactory = _ => new DirectoryInfo("."),
        };
        var noImages = new Option<bool>("--no-images") { Description = "Write the files only; do not build the images (no Docker engine needed)." };
        var command = new Command("compose", $"Write {FileName} (and its support folder of certificates and credentials) that brings the topology up with `docker compose up -d`, and build its images.")
        {
            topologyOption, rulesOption, outOption, noImages,
        };
        command.SetAction(async (parse, ct) =>
        {
            var output = OutputPaths.Folder(parse.GetValue(outOption)!.FullName);
            var composeFile = Path.Combine(output, FileName);
            var catalog = FlowCatalog.Load(MatrixInputs.CatalogPath);
            var topology = TopologyLoader.Load(parse.GetValue(topologyOption)?.FullName ?? MatrixInputs.DefaultTopologyPath, catalog);
            var ruleSet = RuleSetLoader.Load(parse.GetValue(rulesOption)?.FullName ?? MatrixInputs.DefaultRuleSetPath, catalog);
            if (IptablesTranslator.LooksLikeIptablesSave(ruleSet.Text))
            {
                throw new InputException(ruleSet.SourceFile, 0, "an iptables-save file; the compose firewall loads nftables only (`up` translates it, and `nft list ruleset` in its firewall shows the nftables text)");
            }

            if (File.Exists(composeFile) && !File.ReadLines(composeFile).FirstOrDefault("").StartsWith(ComposeYaml.Marker, StringComparison.Ordinal))
            {
                throw new InputException(composeFile, 0, "exists and was not written by this verb; give another --out");
            }

            ComposePlan plan;
            try
            {
                plan = ComposePlan.Create(topology, catalog, ruleSet);
            }
            catch (ArgumentException e)
            {
                // A host kind refused what the topology asks of it (its spec's guards): bad input.
                throw new InputException(topology.SourceFile, 0, e.Message);
            }

            Directory.CreateDirectory(output);
            var yaml = ComposeYaml.Render(plan, output, ComposePlan.RelativeTo(output, plan.Topology.SourceFile), ComposePlan.RelativeTo(output, plan.RuleSet.SourceFile));
            await File.WriteAllTextAsync(composeFile, yaml, ct);
            var support = ComposeSupport.Write(output, plan);
            var console = ConsoleOutput.Create();
            console.MarkupLine($"wrote {Markup.Escape(composeFile)} ({plan.AllServices().Count()} services) and {Markup.Escape(support)}/ (logins in its '{ComposePlan.CredentialsFile}' file)");

            if (!parse.GetValue(noImages))
            {
                Engine.Require();
                var kinds = plan.Topology.Hosts.Select(h => h.Kind).Prepend(FirewallBuilder.Kind).Distinct().ToList();
                await ImagesVerb.BuildAsync(console, kinds, ct);
            }

            var here = Path.GetFullPath(".") == output ? string.Empty : $"cd {output} && ";
            console.MarkupLine($"next: [bold]{Markup.Escape(here)}docker compose up -d --wait[/], then [bold]docker compose exec {Markup.Escape(plan.Topology.Hosts[0].Name)} bash[/] (any host; the firewall is [bold]{FirewallBuilder.Kind}[/])");
            console.MarkupLine($"[grey]its networks carry the topology's own subnets on the engine ({Markup.Escape(string.Join(", ", plan.Topology.Zones.Select(z => z.Subnet)))}): another compose topology with them needs [bold]docker compose down[/] of this one first; the harness's runs start beside it, on networks of their own[/]");
            return ExitCodes.Matched;
        });
        return command;
    }
}
