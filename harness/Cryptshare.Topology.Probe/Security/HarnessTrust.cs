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
/// validates proves the probe reached a harness host under the name it expected.
/// </summary>
internal sealed class HarnessTrust
{
    private readonly X509Certificate2Collection _authorities;

    private HarnessTrust(X509Certificate2Collection authorities)
    {
        _authorities = authorities;
    }

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

        return new HarnessTrust(authorities);
    }

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
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain.Build(leaf))
        {
            return null;
        }

        var statuses = chain.ChainStatus.Select(s => s.Status.ToString()).Distinct();
        return $"the certificate ({leaf.Subject}, issued by {leaf.Issuer}) does not chain to the harness CA: {string.Join(", ", statuses)}";
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
