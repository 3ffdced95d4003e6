using System.Net;

namespace Cryptshare.Topology.Oracle.Runtime;

/// <summary>What one flow's evaluation collects besides the packet: translations, the trail, routing changes.</summary>
internal sealed class Evaluation(IPacketRouting? routing, bool recordTrail)
{
    public IPacketRouting? Routing { get; } = routing;

    public List<ChainStep>? Trail { get; } = recordTrail ? [] : null;

    public List<NatTranslation>? Translations { get; private set; }

    /// <summary>The rule whose actions are running (a NAT names it).</summary>
    public Rule? CurrentRule { get; set; }

    /// <summary>A NAT was set up in the current hook: the hook's remaining NAT chains are skipped.</summary>
    public bool NatApplied { get; set; }

    public bool DestinationChanged { get; set; }

    public bool Redirected { get; set; }

    public void RecordTranslation(string kind, IPAddress? address, int? port)
    {
        Translations ??= [];
        Translations.Add(new NatTranslation(kind, CurrentRule!.Reference, address, port));
    }
}
