using Cryptshare.Topology.Input;
using Cryptshare.Topology.Model;

namespace Cryptshare.Topology.Tests.Unit.Input;

/// <summary>The rules every input loader shares: strict dotted decimal, interface names, the nearest key, printable messages.</summary>
[TestFixture]
public sealed class InputRulesTests
{
    [TestCase("10.77.2.10", "10.77.2.10")]
    [TestCase("0.0.0.0", "0.0.0.0")]
    [TestCase("255.255.255.255", "255.255.255.255")]
    public void StrictDottedDecimalIsRead(string text, string expected)
    {
        Assert.That(Ipv4Text.TryParseAddress(text, out var address, out var problem), Is.True, problem);
        Assert.That(address.ToString(), Is.EqualTo(expected));
    }

    [TestCase("10.77.2.010", "leading zero in '010', which some tools read as octal (8) and others as decimal: write 10")]
    [TestCase("10.77.2.09", "leading zero in '09', which some tools read as a bad octal number and others as decimal: write 9")]
    [TestCase("10.77.520", "is not an IPv4 address: write four decimal numbers 0–255")]
    [TestCase("0x0a.77.2.1", "'0x0a' is not a decimal number 0–255")]
    [TestCase("10.77.2.256", "'256' is not a decimal number 0–255")]
    [TestCase("10.77.2.1\n", "'10.77.2.1\\n' is not an IPv4 address: '1\\n' is not a decimal number")]
    [TestCase(" 10.77.2.1", "' 10' is not a decimal number")]
    [TestCase("10.77.2.+1", "'+1' is not a decimal number")]
    [TestCase("2001:db8::1", "is not an IPv4 address")]
    public void AnythingButStrictDottedDecimalIsRefusedWithTheReason(string text, string reason)
    {
        Assert.That(Ipv4Text.TryParseAddress(text, out _, out var problem), Is.False);
        Assert.That(problem, Does.Contain(reason));
    }

    [TestCase("10.77.2.0/24", "10.77.2.0/24")]
    [TestCase("10.0.0.0/8", "10.0.0.0/8")]
    [TestCase("10.77.2.7/32", "10.77.2.7/32")]
    public void ANetworkAddressIsRead(string text, string expected)
    {
        Assert.That(Ipv4Text.TryParseNetwork(text, out var network, out var problem), Is.True, problem);
        Assert.That(network.ToString(), Is.EqualTo(expected));
    }

    [TestCase("10.77.2.5/24", "has host bits set: the network is 10.77.2.0/24")]
    [TestCase("10.77.2.130/25", "has host bits set: the network is 10.77.2.128/25")]
    [TestCase("10.77.2.0/024", "the prefix length '024' is not a decimal number 0–32")]
    [TestCase("10.77.2.0/33", "the prefix length '33' is not a decimal number 0–32")]
    [TestCase("10.77.2.0", "write its network address and prefix length")]
    [TestCase("10.077.2.0/24", "leading zero in '077'")]
    public void ANetworkThatIsNotANetworkAddressIsRefusedWithTheOneMeant(string text, string reason)
    {
        Assert.That(Ipv4Text.TryParseNetwork(text, out _, out var problem), Is.False);
        Assert.That(problem, Does.Contain(reason));
    }

    [TestCase("eth0")]
    [TestCase("internet")]
    [TestCase("dmz_2")]
    [TestCase("a-15-characters")]
    public void AnInterfaceNameTheKernelTakesPasses(string name) => Assert.That(InterfaceNames.Problem(name), Is.Null);

    [TestCase("lo", "is the loopback interface")]
    [TestCase("all", "a name the kernel reserves")]
    [TestCase("default", "a name the kernel reserves")]
    [TestCase("ctt-tmp0", "while it renames them all")]
    [TestCase("a-16-characters!", "has 16 characters; the kernel allows at most 15")]
    [TestCase("eth/1", "contains '/'")]
    [TestCase("eth 1", "contains whitespace")]
    [TestCase("eth0:1", "contains ':'")]
    [TestCase("eth1\n", "contains a control character ('eth1\\n')")]
    [TestCase("", "is empty")]
    [TestCase("Eth1", "is not 1–15 of a–z")]
    [TestCase("-x", "is not 1–15 of a–z")]
    public void AnInterfaceNameTheKernelRefusesOrThatClashesIsRefusedWithTheReason(string name, string reason) =>
        Assert.That(InterfaceNames.Problem(name), Does.Contain(reason));

    [TestCase("prots", "ports")]
    [TestCase("adress", "address")]
    [TestCase("serve", "serves")]
    [TestCase("mailport", "mailPort")]
    [TestCase("zone", "zone")]
    public void TheNearestKnownWordIsATypoAway(string typo, string meant) =>
        Assert.That(NearestWord.Find(typo, ["kind", "zone", "address", "serves", "ports", "mailPort"]), Is.EqualTo(meant));

    [TestCase("colour")]
    [TestCase("x")]
    public void AWordFarFromEveryKnownOneHasNoNearest(string word) =>
        Assert.That(NearestWord.Find(word, ["kind", "zone", "address", "serves", "ports"]), Is.Null);

    [TestCase("dmz\n", "dmz\\n")]
    [TestCase("a\u001b[31mb", "a\\x1b[31mb")]
    [TestCase("a\rb\0", "a\\rb\\0")]
    [TestCase("x\u202ey", "x\\u202ey")]
    public void AValueInAMessageShowsItsControlCharacters(string value, string shown) =>
        Assert.That(Printable.Visible(value), Is.EqualTo(shown));

    [TestCase("line 1\n\u001b[31mred\u001b[0m\r\nend", "line 1\nred\nend")]
    [TestCase("bell\u0007 nul\0 title\u001b]0;owned\u0007!", "bell nul title!")]
    [TestCase("tab\tkept", "tab\tkept")]
    [TestCase("rtl\u202eexe.nft", "rtlexe.nft")]
    public void AToolsMessageLosesItsControlCharactersAndEscapeSequences(string message, string passedOn) =>
        Assert.That(Printable.Strip(message), Is.EqualTo(passedOn));

    [Test]
    public void AnInputErrorNeverCarriesAControlCharacter()
    {
        var error = new InputException("rules\u001b[2J.nft", 3, "nft says:\n\u001b[31mtcp dport 80 acept\r");
        Assert.That(error.Message, Is.EqualTo("rules.nft:3: nft says:\ntcp dport 80 acept"));
    }
}
