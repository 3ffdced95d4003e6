using Cryptshare.Topology.Probe.Security;
using Cryptshare.Topology.Probing;

namespace Cryptshare.Topology.Probe.Protocols;

/// <summary>What every probe of a batch shares: the CA to trust and the secrets to keep out of the output.</summary>
internal sealed class ProbeContext
{
    public ProbeContext(ProbeBatch batch)
        : this(batch.Probes, HarnessTrust.FromPem(batch.CaPem))
    {
    }

    /// <summary>The probes of a site with the trust the administrator chose (a CA bundle, the system store, or none).</summary>
    public ProbeContext(IReadOnlyList<ProbeRequest> probes, HarnessTrust? trust)
    {
        Trust = trust;
        Scrubber = new SecretScrubber(probes.Select(p => p.Credentials), probes.SelectMany(p => p.Options?.SecretHeaderValues() ?? []));
    }

    /// <summary>Null when the batch carries no CA; TLS protocols then refuse the probe as invalid.</summary>
    public HarnessTrust? Trust { get; }

    public SecretScrubber Scrubber { get; }

    public static TimeSpan ExchangeTimeout(ProbeRequest request) =>
        TimeSpan.FromMilliseconds(request.ExchangeTimeoutMs ?? ProbeRequest.DefaultExchangeTimeoutMs);

    /// <summary>The name TLS must find in the certificate: the given one, else the address.</summary>
    public static string ServerName(ProbeRequest request) => request.TlsName ?? request.Address;
}
