using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Cryptshare.Topology.Probe.Security;

/// <summary>What one TLS handshake's certificate check found; read when the handshake fails.</summary>
internal sealed class TlsCheck
{
    public string? Failure { get; set; }
}

/// <summary>
/// Trusts the batch's CA and nothing else (not the image's system store): a handshake that
/// validates proves the probe reached a harness host under the name it expected. The portable
/// agent's site mode also trusts a customer's CA bundle the same way, or the system's store
/// (<see cref="SystemStore"/>), or, when told to, nothing is checked (<see cref="AcceptAny"/>).
/// Never a revocation check or a download of a missing certificate: either would contact an
/// address nobody listed.
/// </summary>
internal sealed class HarnessTrust
{
    /// <summary>Null: the system's store.</summary>
    private readonly X509Certificate2Collection? _authorities;

    private readonly bool _acceptAny;

    private readonly string _trusted;

    private HarnessTrust(X509Certificate2Collection? authorities, string trusted, bool acceptAny = false)
    {
        _authorities = authorities;
        _trusted = trusted;
        _acceptAny = acceptAny;
    }

    /// <summary>Chains must end in a CA of the system's store (site mode without a CA bundle).</summary>
    public static HarnessTrust SystemStore() => new(null, "a CA of this system's store");

    /// <summary>Every certificate is accepted (site mode's <c>--insecure-tls</c>, which the report says).</summary>
    public static HarnessTrust AcceptAny() => new(null, "nothing (not checked)", acceptAny: true);

    /// <summary>The CA(s) of <paramref name="pem"/>, named <paramref name="trusted"/> in messages (site mode's CA bundle).</summary>
    public static HarnessTrust FromBundle(string pem, string trusted) =>
        FromPem(pem) is { } trust ? new HarnessTrust(trust._authorities, trusted) : throw new ArgumentException($"{trusted} holds no certificate");

    /// <summary>The trust of a batch, or null when the batch has no CA.</summary>
    public static HarnessTrust? FromPem(string? caPem)
    {
        if (string.IsNullOrWhiteSpace(caPem))
        {
            return null;
        }

        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPem(caPem);
        if (authorities.Count == 0)
        {
            throw new ArgumentException("caPem holds no certificate");
        }

        return new HarnessTrust(authorities, "the harness CA");
    }

    /// <summary>
    /// The chain policy TLS builds its own chain with before the callback: no revocation check and no
    /// download of a missing issuer (AIA), so a handshake contacts nothing but its peer.
    /// </summary>
    public static X509ChainPolicy OfflineChainPolicy() => new() { RevocationMode = X509RevocationMode.NoCheck, DisableCertificateDownloads = true };

    /// <summary>A validation callback for SslStream, HttpClient and MailKit that records why it refused.</summary>
    public RemoteCertificateValidationCallback CallbackFor(TlsCheck check, string expectedName) =>
        (_, certificate, _, errors) =>
        {
            check.Failure = Check(certificate, errors, expectedName);
            return check.Failure is null;
        };

    /// <summary>Null when the certificate is valid for the expected name under the harness CA; else why not.</summary>
    public string? Check(X509Certificate? certificate, SslPolicyErrors errors, string expectedName)
    {
        if (_acceptAny)
        {
            return null;
        }

        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return "the server sent no certificate";
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return $"name mismatch: the certificate is for {string.Join(", ", NamesOf(leaf))}, the client expected {expectedName}";
        }

        using var chain = new X509Chain();
        if (_authorities is not null)
        {
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(_authorities);
        }

        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        if (chain.Build(leaf))
        {
            return null;
        }

        var statuses = chain.ChainStatus.Select(s => s.Status.ToString()).Distinct();
        return $"the certificate ({leaf.Subject}, issued by {leaf.Issuer}) does not chain to {_trusted}: {string.Join(", ", statuses)}";
    }

    private static IEnumerable<string> NamesOf(X509Certificate2 certificate)
    {
        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        var names = san is null
            ? []
            : san.EnumerateDnsNames().Concat(san.EnumerateIPAddresses().Select(a => a.ToString())).ToList();
        return names.Count > 0 ? names : [certificate.Subject];
    }
}
