using Cryptshare.Topology.Model;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Input;
using Cryptshare.Topology.RuleSets;

namespace Cryptshare.Topology.Tests.Unit.RuleSets;

/// <summary>
/// Rule files are untrusted: an include reaches only files in the rule file's folder, by a path
/// relative to it; nft is given the staged copies and its messages come back naming the user's
/// files, without control characters.
/// </summary>
[TestFixture]
public sealed class RuleFileIncludesTests
{
    private static readonly FlowCatalog Catalog = FlowCatalog.Load(Path.Combine(RepositoryLayout.Fixtures, "flows", "catalog.yml"));

    private DirectoryInfo _folder = null!;

    private string Rules => Path.Combine(_folder.FullName, "rules", "r.nft");

    [SetUp]
    public void CreateFolder()
    {
        _folder = Directory.CreateTempSubdirectory("ctt-includes-");
        Directory.CreateDirectory(Path.Combine(_folder.FullName, "rules", "conf.d"));
        File.WriteAllText(Path.Combine(_folder.FullName, "rules", "part.nft"), "chain c {\n}\n");
        File.WriteAllText(Path.Combine(_folder.FullName, "rules", "conf.d", "10-a.nft"), "include \"part.nft\"\n");
        File.WriteAllText(Path.Combine(_folder.FullName, "rules", "conf.d", "20-b.nft"), "# b\n");
        File.WriteAllText(Path.Combine(_folder.FullName, "rules", "conf.d", ".hidden.nft"), "# hidden\n");
        File.WriteAllText(Path.Combine(_folder.FullName, "outside.nft"), "secret content\n");
        File.WriteAllText(Rules, "# the rule file itself\n");
    }

    [TearDown]
    public void RemoveFolder() => _folder.Delete(recursive: true);

    [TestCase("table inet t {\n\tinclude \"part.nft\"\n}\n", new[] { "part.nft" })]
    [TestCase("include \"./part.nft\"\n", new[] { "part.nft" })]
    [TestCase("include \"conf.d/*.nft\"\n", new[] { "conf.d/10-a.nft", "part.nft", "conf.d/20-b.nft" })]
    [TestCase("include \"conf.d/../part.nft\"\n", new[] { "part.nft" })]
    [TestCase("include \"conf.d/*.conf\"\n", new string[0])]
    [TestCase("# include \"/etc/shadow\"\ntable inet t { comment \"include \\\"/etc/shadow\\\"\" }\n", new string[0])]
    public void AnIncludeBesideTheRuleFileIsFound(string text, string[] expected)
    {
        var includes = RuleFileIncludes.Resolve(Rules, text);
        Assert.That(includes.Select(i => i.RelativePath), Is.EqualTo(expected));
    }

    [TestCase("include \"/etc/shadow\"\n", 1, "include \"/etc/shadow\": an absolute path; a rule file may include only files in its own folder")]
    [TestCase("table inet t {\n}\n  include  \"../outside.nft\"\n", 3, "include \"../outside.nft\": the path leaves the rule file's folder")]
    [TestCase("include \"conf.d/../../outside.nft\"\n", 1, "the path leaves the rule file's folder")]
    [TestCase("include \"missing.nft\"\n", 1, "include \"missing.nft\": no such file in the rule file's folder")]
    [TestCase("include \"*/10-a.nft\"\n", 1, "only * and ? are read as wildcards, and only in the file name")]
    [TestCase("include \"conf.d/[12]*.nft\"\n", 1, "only * and ? are read as wildcards")]
    [TestCase("INCLUDE \"/etc/shadow\"\n", 1, "an absolute path")]
    [TestCase("comment \"unterminated\ninclude \"/etc/shadow\"\n", 2, "an absolute path")]
    [TestCase("table inet t { comment \"a\" }include\"/etc/shadow\"\n", 1, "an absolute path")]
    [TestCase("include \"\"\n", 1, "an empty path")]
    [TestCase("include \"r.nft\"\n", 1, "the file includes itself")]
    public void AnIncludeOutsideTheFolderIsRefusedWithFileLineAndReason(string text, int line, string reason)
    {
        var error = Assert.Throws<InputException>(() => RuleFileIncludes.Resolve(Rules, text))!;
        Assert.That(error.Message, Does.StartWith($"{Rules}:{line}: "));
        Assert.That(error.Message, Does.Contain(reason));
        Assert.That(error.Message, Does.Not.Contain("secret content"));
    }

    [Test]
    public void AnIncludedFileIsHeldToTheSameRulesWithItsOwnLine()
    {
        File.WriteAllText(Path.Combine(_folder.FullName, "rules", "part.nft"), "chain c {\n}\ninclude \"/etc/passwd\"\n");
        var error = Assert.Throws<InputException>(() => RuleFileIncludes.Resolve(Rules, "include \"part.nft\"\n"))!;
        Assert.That(error.Message, Does.StartWith(Path.Combine(_folder.FullName, "rules", "part.nft") + ":3: include \"/etc/passwd\": an absolute path"));
    }

    [Test]
    public void ALinkThatLeadsOutOfTheFolderIsRefused()
    {
        File.CreateSymbolicLink(Path.Combine(_folder.FullName, "rules", "link.nft"), "/etc/shadow");
        Directory.CreateSymbolicLink(Path.Combine(_folder.FullName, "rules", "up"), _folder.FullName);
        var error = Assert.Throws<InputException>(() => RuleFileIncludes.Resolve(Rules, "include \"link.nft\"\n"))!;
        Assert.That(error.Message, Does.Contain("link.nft is a link to a file outside the rule file's folder"));
        error = Assert.Throws<InputException>(() => RuleFileIncludes.Resolve(Rules, "include \"up/outside.nft\"\n"))!;
        Assert.That(error.Message, Does.Contain("is a link to a file outside the rule file's folder"));
    }

    [Test]
    public void NftIsGivenTheStagedCopiesWithEveryIncludeRewritten()
    {
        var includes = RuleFileIncludes.Resolve(Rules, "table inet t {\n\tinclude \"./part.nft\" # beside\n}\ninclude \"conf.d/*.nft\"\n");
        var staged = StagedRuleFiles.Of(Rules, "table inet t {\n\tinclude \"./part.nft\" # beside\n}\ninclude \"conf.d/*.nft\"\n", includes, "/rules/7");
        Assert.That(staged.MainPath, Is.EqualTo("/rules/7/r.nft"));
        Assert.That(staged.Files[0].Text, Is.EqualTo("table inet t {\n\tinclude \"/rules/7/part.nft\" # beside\n}\ninclude \"/rules/7/conf.d/*.nft\"\n"));
        Assert.That(staged.Files.Select(f => f.Path), Is.EquivalentTo(new[] { "/rules/7/r.nft", "/rules/7/part.nft", "/rules/7/conf.d/10-a.nft", "/rules/7/conf.d/20-b.nft" }));
        Assert.That(staged.Files.Single(f => f.Path == "/rules/7/conf.d/10-a.nft").Text, Is.EqualTo("include \"/rules/7/part.nft\"\n"));
    }

    [Test]
    public void NftsMessageNamesTheUsersFilesWithoutControlCharactersOrEndlessLines()
    {
        var staged = StagedRuleFiles.Of(Rules, "include \"part.nft\"\n", RuleFileIncludes.Resolve(Rules, "include \"part.nft\"\n"), "/rules/3");
        var nft = "In file included from /rules/batch.Ab12Cd:3:1-25:\n"
            + "In file included from /rules/3/r.nft:1:1-18:\n"
            + "/rules/3/part.nft:2:5-9: Error: syntax error\u001b[31m\r\n"
            + new string('x', 5000) + "\n"
            + "File not found: /rules/3/missing.nft\n";
        var message = staged.ForUser(nft, "/rules/batch.");
        var folder = Path.GetDirectoryName(Rules)!;
        Assert.That(message, Is.EqualTo(
            $"In file included from {Rules}:1:1-18:\n"
            + $"{folder}/part.nft:2:5-9: Error: syntax error\n"
            + new string('x', StagedRuleFiles.MaxMessageLine) + $"… ({5000 - StagedRuleFiles.MaxMessageLine} more characters)\n"
            + $"File not found: {folder}/missing.nft"));
        Assert.That(staged.FirstLine($"{Rules}:4:2-3: Error"), Is.EqualTo(4));
    }

    [Test]
    public void ARuleSetCarriesItsIncludesIntoItsIdentity()
    {
        File.WriteAllText(Rules, "table inet t {\n\tinclude \"part.nft\"\n}\n");
        var before = RuleSetLoader.Load(Rules, Catalog);
        File.WriteAllText(Path.Combine(_folder.FullName, "rules", "part.nft"), "chain d {\n}\n");
        var after = RuleSetLoader.Load(Rules, Catalog);
        Assert.That(before.Includes.Select(i => i.RelativePath), Is.EqualTo(new[] { "part.nft" }));
        Assert.That(after.Sha256, Is.Not.EqualTo(before.Sha256), "an included file changed: the rule set is not the same");
        Assert.That((before with { Text = "translated" }).Sha256, Is.EqualTo(before.Sha256), "a translation keeps the file's identity");
        var library = RuleSetLoader.Load(Path.Combine(RepositoryLayout.Fixtures, "rulesets", "01-documented.nft"), Catalog);
        Assert.That(library.Sha256, Is.EqualTo(new Cryptshare.Topology.RuleSets.RuleSet(library.Name, library.SourceFile, library.Text, null, library.Via, library.HostFirewall).Sha256), "without includes the identity is as before");
    }

    [TestCase("", 0, "the rule file is empty")]
    [TestCase(" \n\n", 0, "the rule file is empty")]
    [TestCase("table inet t {\n}\n\0\u0001\u0002", 3, "a binary file (a NUL character), not nftables or iptables-save text")]
    public void AnEmptyOrBinaryRuleFileIsRefused(string text, int line, string reason)
    {
        File.WriteAllText(Rules, text);
        var error = Assert.Throws<InputException>(() => RuleSetLoader.Load(Rules, Catalog))!;
        Assert.That(error.Message, Does.StartWith(line > 0 ? $"{Rules}:{line}: {reason}" : $"{Rules}: {reason}"));
    }

    [Test]
    public void AHostFirewallFileNamedBesideItsRuleSetComesAlongWithIt()
    {
        var folder = Path.Combine(RepositoryLayout.Fixtures, "rulesets");
        // A shell's *.nft *.rules: every rule file of the library, host firewalls (.host.nft, .host.rules) included.
        var named = Directory.GetFiles(folder, "*.nft").Concat(Directory.GetFiles(folder, "*.rules")).Order(StringComparer.Ordinal).ToList();
        Assert.That(named, Has.Some.EndsWith("10-host-firewall.host.nft"), "a shell's *.nft names the host firewall file too");
        Assert.That(named, Has.Some.EndsWith("15-iptables-host.host.rules"), "a shell's *.rules names an iptables-save host firewall too");
        var ruleSets = RuleSetLoader.LoadAll(named, Catalog);
        Assert.That(ruleSets.Select(r => r.Name), Is.EqualTo(RuleSetLoader.LoadLibrary(folder, Catalog).Select(r => r.Name)));
        Assert.That(ruleSets.Single(r => r.Name == "10-host-firewall").HostFirewall, Is.Not.Null);

        var error = Assert.Throws<InputException>(() => RuleSetLoader.LoadAll([Path.Combine(folder, "10-host-firewall.host.nft")], Catalog))!;
        Assert.That(error.Message, Does.Contain("10-host-firewall.host.nft: the server's host firewall (statements of its input chain), not a rule set: give 10-host-firewall.nft beside it"));
    }

    [Test]
    public void AHostFirewallMayNotIncludeAnything()
    {
        File.WriteAllText(Rules, "table inet t {\n}\n");
        var host = Path.Combine(_folder.FullName, "rules", "r.host.nft");
        File.WriteAllText(host, "tcp dport 9090 drop\ninclude \"part.nft\"\n");
        var error = Assert.Throws<InputException>(() => RuleSetLoader.Load(Rules, Catalog))!;
        Assert.That(error.Message, Does.StartWith($"{host}:2: include \"part.nft\": a host firewall file holds the statements of the server's input chain"));
    }
}
