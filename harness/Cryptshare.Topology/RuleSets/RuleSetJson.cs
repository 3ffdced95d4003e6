namespace Cryptshare.Topology.RuleSets;

/// <summary>
/// A rule set as nft parsed it: <c>nft -j list ruleset</c> of the perimeter firewall's rules and,
/// when the rule set has a host firewall file, <c>nft -j list table inet ctt_host</c> of the
/// server's own table. What the oracle compiles.
/// </summary>
public sealed record RuleSetJson(string Firewall, string? HostFirewall);
