using Cryptshare.Topology.Cli;

namespace Cryptshare.Topology.Tests.Unit.Cli;

/// <summary>
/// The tool's one error path, in-process: usage errors exit 2 as one paragraph with the nearest
/// verb or option, and never show a word that may be a secret.
/// </summary>
[TestFixture]
public sealed class CommandLineTests
{
    private const string Secret = "Sup3r-Secret";

    private static async Task<(int Exit, string Output)> Tool(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await Cryptshare.Topology.Cli.Tool.RunAsync(args, output, error);
        return (exit, output + error.ToString());
    }

    [TestCase("history", "--histroy", "Host=db;Password=" + Secret)]
    [TestCase("history", "--histroy=Host=db;Password=" + Secret)]
    [TestCase("history", "--history", "Host=db;Password=" + Secret, "--rule-sett", "x")]
    [TestCase("run", "--rulez", "Host=db;Password=" + Secret)]
    [TestCase("diff", "1", "2", "--history", "Host=db;Password=" + Secret, "--jsno")]
    public async Task AMistypedCommandLineNeverShowsTheConnectionString(params string[] args)
    {
        var (exit, output) = await Tool(args);
        Assert.That(exit, Is.EqualTo(2), output);
        Assert.That(output, Does.Not.Contain(Secret).And.Not.Contain("Host=db"));
        Assert.That(output, Does.Contain("unknown option"), output);
    }

    [Test]
    public async Task AMistypedOptionNamesTheNearestOne()
    {
        var (exit, output) = await Tool("history", "--histroy", "Host=db;Password=" + Secret);
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(output, Does.StartWith("cryptshare-topology history: unknown option '--histroy'; did you mean --history?"));
    }

    [Test]
    public async Task AMistypedVerbNamesTheNearestOne() =>
        Assert.That(await Tool("anaylze"), Is.EqualTo((2, "cryptshare-topology: unknown verb 'anaylze'; did you mean analyze?\n")));

    [Test]
    public async Task HelpIsNotAnError()
    {
        var (exit, output) = await Tool("analyze", "--help");
        Assert.That(exit, Is.Zero);
        Assert.That(output, Does.Contain("--rules"));
    }

    [TestCase("Host=db;Database=ctt", true)]
    [TestCase("password=hunter2", true)]
    [TestCase("PGPASSWORD:hunter2", true)]
    [TestCase("fixtures/rulesets/01-documented.nft", false)]
    [TestCase("--history", false)]
    public void WhatLooksLikeASecret(string word, bool secret) =>
        Assert.That(SecretTokens.LooksSecret(word), Is.EqualTo(secret));

    [Test]
    public void TheValueOfASecretOptionAndOfAnUnknownOptionAreSecrets()
    {
        string[] args = ["run", "--history", "db.example", "--topologgy", "plan.yml", "--rules", "a.nft"];
        var secrets = SecretTokens.Of(args, new HashSet<string> { "--topologgy", "plan.yml" });
        Assert.That(secrets, Is.EquivalentTo(new[] { "db.example", "plan.yml" }));
        Assert.That(SecretTokens.Scrub("could not reach db.example", secrets), Is.EqualTo("could not reach ***"));
    }
}
