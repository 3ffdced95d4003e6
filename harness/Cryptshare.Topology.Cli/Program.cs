using Cryptshare.Topology.Cli;
using Cryptshare.Topology.Fixtures.Engine;

HarnessEnvironment.Apply();
return await Tool.RunAsync(args);
