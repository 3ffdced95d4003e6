using System.Net;
using System.Security.Cryptography.X509Certificates;
using Cryptshare.Topology.Fixtures.CryptshareServer;
using Cryptshare.Topology.Fixtures.Pki;

namespace Cryptshare.Topology.Tests.Integration.CryptshareServer;

/// <summary>HttpClients for the stand-in's web listeners, trusting the harness CA and nothing else.</summary>
internal static class ServerClients
{
    /// <summary>A client for one listener; cookies are left to the test (raw Set-Cookie headers) unless a jar is given.</summary>
    public static HttpClient For(CryptshareServerContainer server, CryptshareServerListener listener, CookieContainer? jar = null,
        TimeSpan? timeout = null, Action<X509Certificate2?>? presented = null)
    {
        var handler = new HttpClientHandler
        {
            UseCookies = jar is not null,
            CookieContainer = jar ?? new CookieContainer(),
            ServerCertificateCustomValidationCallback = (_, certificate, _, errors) =>
            {
                presented?.Invoke(certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.RawData));
                return HarnessPki.Shared.Validate(certificate, errors);
            },
        };
        return new HttpClient(handler)
        {
            BaseAddress = server.GetBaseAddress(listener),
            Timeout = timeout ?? TimeSpan.FromSeconds(20),
        };
    }
}
