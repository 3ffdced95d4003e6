using System.Net;
using System.Security.Cryptography;
using System.Text;
using Cryptshare.Topology.Model;

namespace Cryptshare.Topology.RuleSets;

/// <summary>
/// A firewall rule set (nftables text) with what it is expected to do. <see cref="Expectations"/>
/// is keyed "flow-id/from-zone-role"; null when the rule set has no expectation file (a customer's).
/// <see cref="Via"/>: zones whose inbound probes go to a published address (DNAT) instead of the
/// server's own. <see cref="HostFirewall"/>: rules for the server's own firewall, if any.
/// </summary>
public sealed record RuleSet(
    string Name,
    string SourceFile,
    string Text,
    IReadOnlyDictionary<string, Verdict>? Expectations,
    IReadOnlyDictionary<string, IPAddress> Via,
    string? HostFirewall)
{
    private readonly IReadOnlyList<IncludedFile> _includes = [];

    /// <summary>The files the rule set includes (<c>include "part.nft"</c>), relative to its folder; see <see cref="RuleFileIncludes"/>.</summary>
    public IReadOnlyList<IncludedFile> Includes
    {
        get => _includes;
        init
        {
            _includes = value;
            Sha256 = Hash(Text, HostFirewall, value);
        }
    }

    /// <summary>
    /// The rule set's identity in the history: the text as loaded (a translation made later with
    /// <c>with { Text = … }</c> keeps the file's identity), its host firewall and the files it includes.
    /// </summary>
    public string Sha256 { get; private init; } = Hash(Text, HostFirewall, []);

    /// <summary>
    /// The iptables-save file as the customer sent it, when <see cref="Text"/> is its nftables
    /// translation (set where the translation is made); null for nftables input.
    /// </summary>
    public string? SavedText { get; init; }

    /// <summary>The server's host firewall file (<c>NAME.host.nft</c> or <c>NAME.host.rules</c>), when the rule set has one.</summary>
    public string? HostFirewallFile { get; init; }

    /// <summary>
    /// The host firewall's iptables-save file as the customer sent it, when <see cref="HostFirewall"/>
    /// is its nftables translation (what the oracle reads); the server loads this one with
    /// iptables-restore. Null for nftables input.
    /// </summary>
    public string? HostFirewallSavedText { get; init; }

    /// <summary>How the server loads its host firewall (null without one).</summary>
    public HostFirewallFormat? HostFormat =>
        HostFirewall is null ? null : HostFirewallSavedText is not null ? HostFirewallFormat.IptablesSave : RuleSetFormat.OfHostFirewall(HostFirewall);

    /// <summary>The host firewall as the customer sent it, which the server loads: the iptables-save file, or the nftables text.</summary>
    public string? HostFirewallAsSent => HostFirewallSavedText ?? HostFirewall;

    public static string Key(string flowId, string fromRole) => $"{flowId}/{fromRole}";

    /// <summary>Without includes, the hash the history has always had: text, NUL, host firewall.</summary>
    private static string Hash(string text, string? hostFirewall, IReadOnlyList<IncludedFile> includes) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            text + "\0" + (hostFirewall ?? string.Empty) + string.Concat(includes.Select(i => $"\0{i.RelativePath}\0{i.Text}")))));
}
