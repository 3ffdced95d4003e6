using Cryptshare.Topology.Fixtures.Engine;
using Docker.DotNet.Models;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Cryptshare.Topology.Tests.Integration.Cli;

/// <summary>
/// Every bad input the tool must survive, as data: <c>Cli/BadInputs/*.yml</c>, one file per area,
/// each a list of cases (what to run, with which files and environment, the exit code it must give,
/// what it must say and what it must never show). Each case runs the tool as a process with its own
/// run id, working folder and empty TMPDIR, and must give its exit code, say its message, print no
/// stack trace and no secret or foreign file content, leave nothing labelled with its run on the
/// engine and nothing in its TMPDIR.
/// </summary>
[TestFixture]
[Category("Cli")]
[NonParallelizable] // a case may start a topology on the default subnets, or hold them on purpose
public sealed class BadInputTests
{
    public static string Folder => Path.Combine(RepositoryLayout.Root, "tests", "Cryptshare.Topology.Tests.Integration", "Cli", "BadInputs");

    public static IEnumerable<TestCaseData> Cases()
    {
        var reader = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build();
        foreach (var file in Directory.EnumerateFiles(Folder, "*.yml").Order(StringComparer.Ordinal))
        {
            var area = Path.GetFileNameWithoutExtension(file);
            foreach (var badInput in reader.Deserialize<List<BadInput>>(File.ReadAllText(file)))
            {
                yield return new TestCaseData(badInput).SetName($"{area}: {badInput.Case}");
            }
        }
    }

    [Test]
    public void TheTableHoldsCasesFromEveryArea()
    {
        var cases = Cases().ToList();
        Assert.That(cases, Has.Count.GreaterThanOrEqualTo(20), "the bad-input table");
        Assert.That(cases.Select(c => c.TestName).Distinct().Count(), Is.EqualTo(cases.Count), "case names are unique");
    }

    [TestCaseSource(nameof(Cases))]
    public async Task TheToolSaysWhatIsWrongAndLeavesNothingBehind(BadInput badInput)
    {
        var run = ToolProcess.NewRunId();
        var holder = $"{run}-holder";
        var dir = Directory.CreateTempSubdirectory("ctt-bad-input-").FullName;
        var held = new List<string>();
        try
        {
            string Fill(string text) => text.Replace("{dir}", dir).Replace("{repo}", RepositoryLayout.Root).Replace("{holder}", holder);

            foreach (var (name, content) in badInput.Files)
            {
                var path = Path.Combine(dir, Fill(name));
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await File.WriteAllTextAsync(path, Fill(content));
            }

            var environment = badInput.Env.ToDictionary(e => e.Key, e => Fill(e.Value));
            if (!environment.ContainsKey("TMPDIR"))
            {
                environment["TMPDIR"] = Directory.CreateDirectory(Path.Combine(dir, "tmp")).FullName;
            }

            var tmpBefore = Entries(environment["TMPDIR"]);
            foreach (var subnet in badInput.Occupied)
            {
                held.Add(await HoldSubnetAsync(holder, subnet));
            }

            var result = await ToolProcess.RunAsync(run, TimeSpan.FromMinutes(3), environment, dir, badInput.Args.Select(Fill).ToList());
            var output = result.Stdout + result.Stderr;
            await TestContext.Out.WriteLineAsync($"{string.Join(' ', badInput.Args)}\n{result}");
            var leftovers = await HarnessJanitor.FindAsync(run);

            Assert.Multiple(() =>
            {
                Assert.That(result.ExitCode, Is.EqualTo(badInput.Exit), result.ToString());
                Assert.That(output, Does.Contain(Fill(badInput.Says)), "the message");
                Assert.That(output.Split('\n').Where(l => l.StartsWith("   at ", StringComparison.Ordinal)), Is.Empty, "no stack trace");
                foreach (var secret in badInput.Never.Select(Fill))
                {
                    Assert.That(output, Does.Not.Contain(secret), "never shown");
                }

                Assert.That(leftovers.IsEmpty, Is.True, $"nothing of the run left on the engine: {leftovers}");
                Assert.That(Entries(environment["TMPDIR"]).Except(tmpBefore), Is.Empty, "nothing left in TMPDIR");
            });
        }
        finally
        {
            await HarnessJanitor.RemoveAsync(run);
            using var client = DockerClientsForTests.Create();
            foreach (var network in held)
            {
                await client.Networks.DeleteNetworkAsync(network);
            }

            Directory.Delete(dir, recursive: true);
        }
    }

    private static IReadOnlyList<string> Entries(string folder) =>
        Directory.Exists(folder) ? Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories).ToList() : [];

    /// <summary>A network of another run holding a subnet, as a second topology would: the label says whose it is.</summary>
    private static async Task<string> HoldSubnetAsync(string holder, string subnet)
    {
        using var client = DockerClientsForTests.Create();
        var created = await client.Networks.CreateNetworkAsync(new NetworksCreateParameters
        {
            Name = $"ctt-{holder}-held",
            Driver = "bridge",
            Labels = new Dictionary<string, string> { [HarnessLabels.Owner] = "true", [HarnessLabels.Run] = holder },
            IPAM = new IPAM { Config = [new IPAMConfig { Subnet = subnet }] },
        });
        return created.ID;
    }

    /// <summary>One row of the table (see the files in <see cref="Folder"/>).</summary>
    public sealed class BadInput
    {
        /// <summary>The test case's name.</summary>
        public string Case { get; set; } = "";

        /// <summary>The tool's arguments; <c>{dir}</c> (the case's private folder), <c>{repo}</c> and <c>{holder}</c> are substituted.</summary>
        public List<string> Args { get; set; } = [];

        /// <summary>Files written into <c>{dir}</c> first (name → content).</summary>
        public Dictionary<string, string> Files { get; set; } = [];

        /// <summary>Environment for the tool; without TMPDIR, an empty folder of the case's.</summary>
        public Dictionary<string, string> Env { get; set; } = [];

        /// <summary>Subnets held, before the tool starts, by a network of another run (<c>{holder}</c>): two topologies on one engine.</summary>
        public List<string> Occupied { get; set; } = [];

        /// <summary>The exit code required.</summary>
        public int Exit { get; set; }

        /// <summary>A substring required in standard output plus error.</summary>
        public string Says { get; set; } = "";

        /// <summary>Strings that must not appear in standard output or error.</summary>
        public List<string> Never { get; set; } = [];

        public override string ToString() => Case;
    }
}
