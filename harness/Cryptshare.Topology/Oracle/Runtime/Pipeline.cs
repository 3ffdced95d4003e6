namespace Cryptshare.Topology.Oracle.Runtime;

/// <summary>
/// One entry of a hook as the kernel runs it: a filter (or route) base chain, or the NAT slot. The
/// kernel registers NAT once per family and hook, at the fixed NAT priority (dstnat -100 at
/// prerouting and output, srcnat 100 at input and postrouting), and runs the nat-type chains inside
/// that slot in their own priority order, for the first packet of a connection only, until one of
/// them sets up a translation.
/// </summary>
internal sealed class HookStage
{
    public Chain? Filter { get; init; }

    public Chain[]? NatChains { get; init; }
}

/// <summary>The base chains of every table, per IP version and hook, in the order the kernel runs them.</summary>
internal sealed class Pipeline
{
    public const int Prerouting = 0;
    public const int Input = 1;
    public const int Forward = 2;
    public const int Output = 3;
    public const int Postrouting = 4;

    public static readonly string[] Hooks = ["prerouting", "input", "forward", "output", "postrouting"];

    /// <summary>[IP version 4 → 0, 6 → 1][hook] → stages.</summary>
    private readonly HookStage[][][] _stages = [new HookStage[Hooks.Length][], new HookStage[Hooks.Length][]];

    public Pipeline(IReadOnlyList<Chain> baseChains)
    {
        foreach (var family in new[] { 4, 6 })
        {
            var tableFamily = family == 4 ? "ip" : "ip6";
            var chains = baseChains.Where(c => c.Family == tableFamily || c.Family == "inet").ToList();
            // NAT hooks are registered when the family's first nat chain is created, for every hook at once.
            var natRegistration = chains.Where(c => c.IsNat).Select(c => c.Order).DefaultIfEmpty(int.MaxValue).Min();
            for (var hookIndex = 0; hookIndex < Hooks.Length; hookIndex++)
            {
                var hook = Hooks[hookIndex];
                var entries = new List<(int Priority, int Order, HookStage Stage)>();
                entries.AddRange(chains.Where(c => c.Hook == hook && !c.IsNat)
                    .Select(c => (c.Priority, c.Order, new HookStage { Filter = c })));
                var nat = chains.Where(c => c.Hook == hook && c.IsNat).OrderBy(c => c.Priority).ThenByDescending(c => c.Order).ToArray();
                // The slot is there once NAT is registered, also in a hook without nat chains of its
                // own: conntrack translates established packets there.
                if (natRegistration != int.MaxValue)
                {
                    entries.Add((NatPriority(hook), natRegistration, new HookStage { NatChains = nat }));
                }

                // Equal priorities: the kernel puts a newly registered hook before the existing ones
                // (checked on nft 1.0.6 / kernel 6.x), so the later-created chain runs first.
                _stages[family == 6 ? 1 : 0][hookIndex] = entries.OrderBy(e => e.Priority).ThenByDescending(e => e.Order).Select(e => e.Stage).ToArray();
            }
        }
    }

    public HookStage[] Stages(int family, int hook) => _stages[family == 6 ? 1 : 0][hook];

    /// <summary>The NAT registration priority: NF_IP_PRI_NAT_DST / NF_IP_PRI_NAT_SRC.</summary>
    public static int NatPriority(string hook) => hook is "prerouting" or "output" ? -100 : 100;

}
