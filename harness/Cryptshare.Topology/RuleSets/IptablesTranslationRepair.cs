using System.Text;
using System.Text.RegularExpressions;

namespace Cryptshare.Topology.RuleSets;

/// <summary>A rule of an iptables-save file that <c>iptables-restore-translate</c> could not express.</summary>
/// <param name="Table">Its table (<c>filter</c>, <c>raw</c>, …).</param>
/// <param name="Chain">Its chain, as the file names it.</param>
/// <param name="Rule">The rule as the translator echoed it (<c>-t raw -A PREROUTING …</c>).</param>
/// <param name="NoVerdictEffect">
/// True when the rule cannot change any verdict (a conntrack helper, a log): it is left out. False:
/// a rule the oracle cannot judge (<c>-m recent</c>, …) stands in its chain as a placeholder, so a
/// flow that reaches it is unpredicted, never judged as if the rule were not there.
/// </param>
public sealed record UntranslatedRule(string Table, string Chain, string Rule, bool NoVerdictEffect)
{
    /// <summary>Its line in the iptables-save file (0 when not found).</summary>
    public int Line { get; init; }

    /// <summary>Why it has no verdict effect, when that is not plain from its target (a log, a helper).</summary>
    public string? Reason { get; init; }

    public override string ToString() => NoVerdictEffect
        ? $"line {Line}: not translated, left out (no effect on any verdict{(Reason is null ? "" : ": " + Reason)}): {Rule}"
        : $"line {Line}: not translated; a flow that reaches it is not predicted: {Rule}";
}

/// <summary>
/// Makes <c>iptables-restore-translate</c>'s output loadable by nft and readable by the oracle,
/// without changing what it means:
/// <list type="bullet">
/// <item>a chain whose name nft takes for a keyword (Shorewall's <c>dynamic</c> and <c>reject</c>)
/// or cannot spell at all is renamed (<see cref="Rename"/>); nft 1.0.6 does not accept a quoted
/// chain name. <see cref="RestoreJson"/> gives nft's listing the file's names back, so every
/// report, the line map and a fix written as iptables rules name the customer's chains;</item>
/// <item>a <c>meter</c> (a rate-limited LOG rule's hashlimit) gets a name of its own per rule: the
/// translator names every one after the hashlimit (<c>lograte</c>), and the kernel refuses a
/// second meter of one name;</item>
/// <item>a rule the translator could not express (<c># -t TABLE -A CHAIN …</c>) becomes a
/// placeholder rule marked with <see cref="PlaceholderComment"/> in its chain (the oracle makes
/// every flow that reaches it unpredicted), unless it has no verdict effect (a conntrack helper,
/// LOG), which is left out as before. Either way its place in the chain's order is kept, so the
/// line map (<see cref="RuleLines.OfIptablesSave"/>) still pairs rules with the file's lines.</item>
/// </list>
/// Why the oracle reads the translation rather than what the real <c>iptables-restore</c> (nf_tables
/// backend) leaves in the kernel: iptables-nft keeps matches and targets nft has no native form for
/// (addrtype, hashlimit, MARK, TCPMSS, recent, …) as xt expressions, and nft 1.0.6 lists an xt
/// expression in JSON by its name only, without its arguments, so the oracle could judge none of
/// Shorewall's addrtype rules. The translator spells them in nft's terms (<c>fib saddr type</c>,
/// <c>meta mark set</c>, <c>tcp option maxseg size set rt mtu</c>), which the oracle reads.
/// </summary>
public static partial class IptablesTranslationRepair
{
    /// <summary>The comment of a placeholder for a rule the translator could not express.</summary>
    public const string PlaceholderComment = "ctt: iptables rule not translated";

    private const string KeywordPrefix = "ctt-kw-";
    private const string EncodedPrefix = "ctt-x-";

    /// <summary>The translation, repaired, and the rules it could not express.</summary>
    /// <param name="translation">iptables-restore-translate's output.</param>
    /// <param name="source">The iptables-save file it was made from, when known: it tells which
    /// <c>-m recent</c> lists any rule fills (see <see cref="RecentLists"/>).</param>
    public static (string Text, IReadOnlyList<UntranslatedRule> Untranslated) Repair(string translation, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(translation);
        var output = new StringBuilder(translation.Length + 256);
        var untranslated = new List<UntranslatedRule>();
        var families = new Dictionary<string, string>();
        var recent = source is null ? null : RecentLists.Of(source);
        var meters = 0;
        foreach (var line in translation.Split('\n'))
        {
            var words = Words(line);
            if (words is ["#", "-t", var table, "-A", var chain, ..])
            {
                var rule = line.TrimStart()[1..].Trim();
                var emptyList = recent?.NeverMatches(words) == true;
                var noEffect = HasNoVerdictEffect(words) || emptyList;
                untranslated.Add(new UntranslatedRule(table, chain, rule, noEffect)
                {
                    Reason = emptyList ? "a recent check of a list no rule of the file fills with --set, so it never matches" : null,
                });
                output.Append(noEffect
                    ? line
                    : $"add rule {families.GetValueOrDefault(table, "ip")} {table} {Rename(chain)} counter comment \"{PlaceholderComment}\"");
            }
            else if (words.Count >= 3 && words[0] == "add" && words[1] is "table" or "chain" or "rule")
            {
                if (words[1] == "table" && words.Count >= 4)
                {
                    families[words[3]] = words[2];
                }

                if (words[1] is "chain" or "rule" && words.Count >= 5)
                {
                    words[4] = Rename(words[4]);
                }

                for (var i = 5; i < words.Count - 1; i++)
                {
                    if (words[i] is "jump" or "goto")
                    {
                        words[i + 1] = Rename(words[i + 1]);
                    }
                    else if (words[i] == "meter" && !words[i + 1].StartsWith('{'))
                    {
                        words[i + 1] = $"{words[i + 1]}_{++meters}";
                    }
                }

                output.Append(string.Join(' ', words));
            }
            else
            {
                output.Append(line);
            }

            output.Append('\n');
        }

        output.Length--;
        return (output.ToString(), untranslated);
    }

    /// <summary>A chain name as nft can spell it: the name itself, or a reversible stand-in (see <see cref="Restore"/>).</summary>
    public static string Rename(string chain) =>
        NftKeywords.Contains(chain) ? KeywordPrefix + chain
        : !PlainName().IsMatch(chain) || chain.StartsWith(KeywordPrefix, StringComparison.Ordinal) || chain.StartsWith(EncodedPrefix, StringComparison.Ordinal)
            ? EncodedPrefix + Convert.ToHexStringLower(Encoding.UTF8.GetBytes(chain))
            : chain;

    /// <summary>The file's own chain name behind a stand-in of <see cref="Rename"/>; any other name as it is.</summary>
    public static string Restore(string chain)
    {
        if (chain.StartsWith(KeywordPrefix, StringComparison.Ordinal) && NftKeywords.Contains(chain[KeywordPrefix.Length..]))
        {
            return chain[KeywordPrefix.Length..];
        }

        if (chain.StartsWith(EncodedPrefix, StringComparison.Ordinal) && HexDigits().IsMatch(chain[EncodedPrefix.Length..]))
        {
            try
            {
                return Encoding.UTF8.GetString(Convert.FromHexString(chain[EncodedPrefix.Length..]));
            }
            catch (FormatException)
            {
                return chain;
            }
        }

        return chain;
    }

    /// <summary>
    /// nft's JSON of a repaired translation with the file's chain names back: every JSON string
    /// that is a stand-in (a chain's name, a rule's chain, a jump's or goto's target).
    /// </summary>
    public static string RestoreJson(string json) =>
        StandIn().Replace(json, m =>
        {
            var name = Restore(m.Groups[1].Value);
            return name == m.Groups[1].Value ? m.Value : System.Text.Json.JsonSerializer.Serialize(name);
        });

    /// <summary>iptables targets that only observe a packet (log it, clamp its MSS): they never change a verdict.</summary>
    internal static readonly IReadOnlySet<string> ObservingTargets = new HashSet<string>(["LOG", "NFLOG", "ULOG", "TCPMSS"], StringComparer.Ordinal);

    /// <summary>
    /// An untranslated rule that cannot change a verdict: a conntrack helper assigned in raw (it
    /// only lets later related connections through, never decides a first packet), a log.
    /// </summary>
    private static bool HasNoVerdictEffect(IReadOnlyList<string> words)
    {
        var target = words.Select((w, i) => (w, i)).Where(p => p.w is "-j" or "--jump").Select(p => p.i + 1 < words.Count ? words[p.i + 1] : "").LastOrDefault();
        return target switch
        {
            "CT" => words.Contains("--helper") && !words.Contains("--notrack") && !words.Contains("--zone") && !words.Contains("--zone-orig") && !words.Contains("--zone-reply"),
            { } named when ObservingTargets.Contains(named) => true,
            _ => false,
        };
    }

    /// <summary>A line's words, a quoted string (a log prefix, a comment) kept as one word with its quotes.</summary>
    private static List<string> Words(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var quoted = false;
        foreach (var c in line)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }

            if (!quoted && char.IsWhiteSpace(c))
            {
                if (word.Length > 0)
                {
                    words.Add(word.ToString());
                    word.Clear();
                }

                continue;
            }

            word.Append(c);
        }

        if (word.Length > 0)
        {
            words.Add(word.ToString());
        }

        return words;
    }

    /// <summary>nft's unquoted identifier (its scanner's <c>string</c> token).</summary>
    [GeneratedRegex(@"^[A-Za-z_.][A-Za-z0-9/\-_.]*$")]
    private static partial Regex PlainName();

    [GeneratedRegex("^(?:[0-9a-f]{2})+$")]
    private static partial Regex HexDigits();

    [GeneratedRegex("\"(ctt-(?:kw|x)-[A-Za-z0-9_.-]+)\"")]
    private static partial Regex StandIn();

    /// <summary>
    /// The words nft's scanner reads as keywords (nftables 1.0.6 and later, src/scanner.l): a chain
    /// of that name cannot be written unquoted, and nft 1.0.6 takes no quoted chain name.
    /// </summary>
    private static readonly HashSet<string> NftKeywords = [.. """
        a-rwnd abort accept ackseq add ah alert all and arp asconf asconf-ack audit auto-merge avgpkt bridge broute burst
        bypass cfi cgroup cgroupv2 chain chains check checksum chunk class classid code comment comp constant continue
        cookie-ack cookie-echo count counter counters cpi cpu create crit csumcov ct cum-tsn-ack cwr daddr data day dccp
        debug define dei delete describe destroy device devices direction dnat doff dport drop dscp dst dup dynamic echo
        ecn ecne egress element elements emerg eol eq err error erspan esp ether event exists expectation expiration
        expires export exthdr fanout fastopen fib filter flags flow flowlabel flowtable flowtables flush forward-tsn frag
        frag-off fully-random fwd gateway gbp gc-interval ge geneve get goto gre gretap group gt handle hbh hdrlength
        heartbeat heartbeat-ack helper helpers hlen hook hooks hoplimit hour htype ibrhwaddr ibriport ibrname ibrpvid
        ibrvproto icmp icmpv6 icmpx id igmp iif iifgroup iifkind iifname iiftype import in inc include index inet info
        ingress init init-ack init-tag initial-tsn insert interval ip ip6 ipsec jhash json jump l3proto l4proto label last
        last-entry le left level limit limits list ll log loose lowest-tsn lshift lsrr lt map maps mark masquerade
        max-delay maxseg md5sig memory meta meter meters mh minute missing mod monitor more-fragments mptcp mrt mss mtu
        nat ne netdev never new new-cum-tsn nexthdr nexthop nfproto nftrace nh noop nop not notice notrack num
        num-dup-tsns num-gap-ack-blocks num-inbound-streams num-outbound-streams numgen obriport obrname offload offset
        oif oifgroup oifkind oifname oiftype operation opt-type option options or original osf out param-problem path pcp
        performance persistent pkttype plen policy port position ppid priority proto-dst proto-src ptr ptype queue
        queue-threshold quota quotas ra random rate redefine redirect reject rename replace reply reqid reserved reserved2
        reset return right route rr rshift rt rt0 rt2 rtclassid rule rules ruleset sack sack-perm sack-permitted sack0
        sack1 sack2 sack3 saddr sctp sdif sdifname secmark secmarks second secpath seed seg-left seqno sequence set sets
        shutdown shutdown-ack shutdown-complete sid size skgid skip skuid snaplen snat socket spnum sport srh ssn ssrr
        state status stream subtype symhash synproxy synproxys table tables taddr tag tcp th time timeout timestamp tos
        tproxy trace transparent tsecr tsn tsval ttl tunnel tunnels type typeof udp udplite undefine until update urgptr
        used value version vlan vm vmap vni vtag vxlan warn week wildcard window with wscale xml xor xt zone
        """.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)];
}
