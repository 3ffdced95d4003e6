using Cryptshare.Topology.RuleSets;

namespace Cryptshare.Topology.Tests.Unit.RuleSets;

/// <summary>
/// A <c>-m recent</c> check of a list no rule fills never matches in a firewall that has just loaded
/// the file; any list a rule fills, and any file with a negated recent match, stays unjudged.
/// </summary>
[TestFixture]
public sealed class RecentListsTests
{
    // iptables-restore-translate's echo of an untranslated rule, split in words as the repair does.
    private static string[] Echo(string rule) => ["#", .. rule.Split(' ', StringSplitOptions.RemoveEmptyEntries)];

    [Test]
    public void ACheckOfAListNoRuleFillsNeverMatches()
    {
        var lists = RecentLists.Of("*filter\n-A FORWARD -m recent --name portscan --rcheck --seconds 60 -j DROP\nCOMMIT\n");
        Assert.Multiple(() =>
        {
            Assert.That(lists.NeverMatches(Echo("-t filter -A FORWARD -m recent --name portscan --rcheck --seconds 60 -j DROP")), Is.True);
            Assert.That(lists.NeverMatches(Echo("-t filter -A FORWARD -m recent --name portscan --update --seconds 60 -j DROP")), Is.True, "--update refreshes only an address already there");
            Assert.That(lists.NeverMatches(Echo("-t filter -A FORWARD -m recent --rcheck -j DROP")), Is.True, "no --name: the DEFAULT list, which nothing fills either");
        });
    }

    [Test]
    public void AListSomeRuleFillsStaysUnjudged()
    {
        var lists = RecentLists.Of("*filter\n-A INPUT -p tcp --dport 22 -m recent --set --name ssh\n-A FORWARD -m recent --name ssh --rcheck -j DROP\n-A FORWARD -m recent --rcheck -j DROP\nCOMMIT\n");
        Assert.Multiple(() =>
        {
            Assert.That(lists.NeverMatches(Echo("-t filter -A FORWARD -m recent --name ssh --rcheck -j DROP")), Is.False, "filled by the INPUT rule");
            Assert.That(lists.NeverMatches(Echo("-t filter -A FORWARD -m recent --rcheck -j DROP")), Is.True, "another list");
            Assert.That(lists.NeverMatches(Echo("-t filter -A INPUT -p tcp --dport 22 -m recent --set --name ssh")), Is.False, "the rule that fills it is no check");
        });
    }

    [Test]
    public void AFileWithANegatedRecentMatchGetsNoSuchReasoning()
    {
        // The translator echoes "-m recent  --rcheck" for "-m recent ! --rcheck": the echo cannot tell.
        var lists = RecentLists.Of("*filter\n-A FORWARD -m recent ! --rcheck --name y -j DROP\nCOMMIT\n");
        Assert.That(lists.NeverMatches(Echo("-t filter -A FORWARD -m recent  --rcheck --name y -j DROP")), Is.False);
    }

    [Test]
    public void TheRepairLeavesSuchACheckOutAndSaysWhy()
    {
        const string source = "*filter\n:FORWARD DROP [0:0]\n-A FORWARD -m recent --name portscan --rcheck --seconds 60 -j DROP\nCOMMIT\n";
        const string translation = "add table ip filter\nadd chain ip filter FORWARD { type filter hook forward priority 0; policy drop; }\n# -t filter -A FORWARD -m recent --name portscan --rcheck --seconds 60 -j DROP \n";
        var (text, untranslated) = IptablesTranslationRepair.Repair(translation, source);
        var (withoutSource, _) = IptablesTranslationRepair.Repair(translation);
        Assert.Multiple(() =>
        {
            Assert.That(untranslated.Single().NoVerdictEffect, Is.True);
            Assert.That(untranslated.Single().Reason, Does.Contain("no rule of the file fills"));
            Assert.That(text, Does.Not.Contain(IptablesTranslationRepair.PlaceholderComment));
            Assert.That(withoutSource, Does.Contain(IptablesTranslationRepair.PlaceholderComment), "without the file, the rule stays a placeholder");
        });
    }
}
