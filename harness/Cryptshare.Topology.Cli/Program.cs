using System.CommandLine;
using Cryptshare.Topology.Cli.Verbs;
using Cryptshare.Topology.Fixtures.Engine;

HarnessEnvironment.Apply();

var root = new RootCommand(
    "cryptshare-topology rebuilds the network around a Cryptshare Server in Docker containers and proves, flow by flow, " +
    "that each documented network flow passes or is blocked exactly as a firewall rule set dictates.");
root.Subcommands.Add(RunVerb.Create());
root.Subcommands.Add(AnalyzeVerb.Create());
root.Subcommands.Add(UpVerb.Create());
root.Subcommands.Add(DownVerb.Create());
root.Subcommands.Add(StatusVerb.Create());
root.Subcommands.Add(CleanVerb.Create());
root.Subcommands.Add(BenchVerb.Create());
root.Subcommands.Add(GraphVerb.Create());
root.Subcommands.Add(HistoryVerb.Create());
root.Subcommands.Add(DiffVerb.Create());
root.Subcommands.Add(ImagesVerb.Create());
root.Subcommands.Add(ComposeVerb.Create());
return await root.Parse(args).InvokeAsync();
