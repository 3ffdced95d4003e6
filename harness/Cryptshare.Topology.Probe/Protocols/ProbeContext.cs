using Cryptshare.Topology.Probe.Security;
using Cryptshare.Topology.Probing;

namespace Cryptshare.Topology.Probe.Protocols;

/// <summary>What every probe of a batch shares: the CA to trust and the secrets to keep out of the output.</summary>
internal sealed class ProbeContext
{
    public ProbeContext(ProbeBatch batch)
    {
        Trust = HarnessTrust.FromPem(batch.CaPem);
        Scrubber = new SecretScrubber(batch.Probes.Select(p => p.Credentials), batch.Probes.SelectMany(p => p.Options?.SecretHeaderValues() ?? []));
    }

    /// <summary>Null when the batch carries no CA; TLS protocols then refuse the probe as invalid.</summary>
    public HarnessTrust? Trust { get; }

    public SecretScrubber Scrubber { get; }

    public static TimeSpan ExchangeTimeout(ProbeRequest request) =>
        TimeSpan.FromMilliseconds(request.ExchangeTimeoutMs ?? ProbeRequest.DefaultExchangeTimeoutMs);

    /// <summary>The name TLS must find in the certificate: the given one, else the address.</summary>
    public static string ServerName(ProbeRequest request) => request.TlsName ?? request.Address;
}
