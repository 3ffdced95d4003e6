namespace Cryptshare.Topology.Oracle.Runtime;

internal sealed class Rule(RuleReference reference, Step[] steps)
{
    public RuleReference Reference { get; } = reference;

    public Step[] Steps { get; } = steps;
}

/// <summary>A chain with its rules compiled; a base chain also has its hook, priority and policy.</summary>
internal sealed class Chain
{
    public required string Family { get; init; }

    public required string Table { get; init; }

    public required string Name { get; init; }

    public string? Hook { get; init; }

    /// <summary>filter, nat or route.</summary>
    public string Type { get; init; } = "filter";

    public int Priority { get; init; }

    public bool PolicyDrop { get; init; }

    /// <summary>Position in nft's listing (creation order).</summary>
    public int Order { get; init; }

    public Rule[] Rules { get; set; } = [];

    public ChainIndex? Index { get; set; }

    public bool IsBase => Hook is not null;

    public bool IsNat => Type == "nat";

    /// <summary>The base chain's policy as a deciding "rule".</summary>
    public RuleReference Policy => _policy ??= new RuleReference(Family, Table, Name, null, null, PolicyDrop ? "policy drop" : "policy accept");

    /// <summary>The chain itself, for the trail.</summary>
    public RuleReference Reference => _reference ??= new RuleReference(Family, Table, Name, null, null,
        IsBase ? $"type {Type} hook {Hook} priority {Priority}" : "chain");

    private RuleReference? _policy;
    private RuleReference? _reference;
}
