using System.Security.Cryptography;
using System.Text.Json;
using Cryptshare.Topology.Reports;
using Microsoft.Playwright;

namespace Cryptshare.Topology.Tests.Integration.L7;

/// <summary>
/// Opens a portal page in a fresh headless Chromium and watches the web app it embeds in a frame:
/// the Set-Cookie headers of the app's responses with the browser's own reasons for refusing any
/// (DevTools' Network.responseReceivedExtraInfo), whether the session cookie was stored, and whether
/// the app's page saw it come back (its <c>body[data-session-seen]</c>, written from /session).
/// Host names of the customer's domain resolve to 127.0.0.1 inside the browser only
/// (<c>--host-resolver-rules</c>); HTTPS is trusted for exactly the certificate the proxy serves
/// (<c>--ignore-certificate-errors-spki-list</c> with its key's hash), nothing else.
/// </summary>
internal static class PortalVisit
{
    /// <summary>
    /// Flags for a headless run as root that contacts nothing on its own (no QUIC, no component or
    /// sync traffic, no first-run pages). Playwright adds its own automation flags.
    /// </summary>
    public static readonly string[] QuietFlags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private static readonly TimeSpan FrameTimeout = TimeSpan.FromSeconds(30);

    public static async Task<EmbeddedSessionObservation> RunAsync(
        string chromium, string embedding, Uri portalUrl, string appHost, string sessionCookie, byte[] trustedCertificateDer, CancellationToken ct = default)
    {
        var profile = Directory.CreateTempSubdirectory("ctt-chromium-");
        try
        {
            using var playwright = await Playwright.CreateAsync();
            await using var context = await playwright.Chromium.LaunchPersistentContextAsync(profile.FullName, new BrowserTypeLaunchPersistentContextOptions
            {
                ExecutablePath = chromium,
                Headless = true,
                Args =
                [
                    .. QuietFlags,
                    $"--host-resolver-rules=MAP {portalUrl.Host} 127.0.0.1, MAP {appHost} 127.0.0.1",
                    $"--ignore-certificate-errors-spki-list={SpkiHash(trustedCertificateDer)}",
                ],
            });
            var page = context.Pages.Count > 0 ? context.Pages[0] : await context.NewPageAsync();
            var watch = await CookieWatch.StartAsync(context, page, appHost);

            await page.GotoAsync(portalUrl.ToString(), new PageGotoOptions { Timeout = (float)FrameTimeout.TotalMilliseconds });
            var frame = page.FrameLocator("#cryptshare");
            var body = frame.Locator("body[data-session-seen]:not([data-session-seen='pending'])");
            await body.WaitForAsync(new LocatorWaitForOptions { Timeout = (float)FrameTimeout.TotalMilliseconds });
            var seen = await body.GetAttributeAsync("data-session-seen");
            var appUrl = new Uri(page.Frames.Single(f => f.Url.Contains(appHost, StringComparison.Ordinal)).Url);
            var cookies = await context.CookiesAsync([appUrl.GetLeftPart(UriPartial.Authority) + "/"]);

            return new EmbeddedSessionObservation(
                embedding,
                portalUrl,
                appUrl,
                sessionCookie,
                watch.SetCookies(),
                Stored: cookies.Any(c => c.Name == sessionCookie),
                SentBack: seen == "true");
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }

    /// <summary>base64(SHA-256(SubjectPublicKeyInfo)), the form Chromium's SPKI allow-list takes.</summary>
    private static string SpkiHash(byte[] certificateDer)
    {
        using var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(certificateDer);
        return Convert.ToBase64String(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()));
    }

    /// <summary>DevTools' view of the app's responses: raw Set-Cookie lines and the blocked-cookie reasons, by request.</summary>
    private sealed class CookieWatch
    {
        private readonly Lock _gate = new();
        private readonly HashSet<string> _appRequests = [];
        private readonly List<(string RequestId, JsonElement Info)> _extraInfo = [];

        public static async Task<CookieWatch> StartAsync(IBrowserContext context, IPage page, string appHost)
        {
            var watch = new CookieWatch();
            var session = await context.NewCDPSessionAsync(page);
            session.Event("Network.responseReceived").OnEvent += (_, e) =>
            {
                if (e is { } value && value.GetProperty("response").GetProperty("url").GetString() is { } url && new Uri(url).Host == appHost)
                {
                    lock (watch._gate)
                    {
                        watch._appRequests.Add(value.GetProperty("requestId").GetString()!);
                    }
                }
            };
            session.Event("Network.responseReceivedExtraInfo").OnEvent += (_, e) =>
            {
                if (e is { } value)
                {
                    lock (watch._gate)
                    {
                        watch._extraInfo.Add((value.GetProperty("requestId").GetString()!, value.Clone()));
                    }
                }
            };
            await session.SendAsync("Network.enable");
            return watch;
        }

        public IReadOnlyList<SetCookieSeen> SetCookies()
        {
            lock (_gate)
            {
                var seen = new List<SetCookieSeen>();
                foreach (var (_, info) in _extraInfo.Where(x => _appRequests.Contains(x.RequestId)))
                {
                    var blocked = info.TryGetProperty("blockedCookies", out var b) ? b.EnumerateArray().ToList() : [];
                    foreach (var line in SetCookieLines(info))
                    {
                        var name = line.Split('=', 2)[0].Trim();
                        var reasons = blocked
                            .Where(x => x.TryGetProperty("cookieLine", out var l) && l.GetString() == line)
                            .SelectMany(x => x.GetProperty("blockedReasons").EnumerateArray().Select(r => r.GetString() ?? string.Empty))
                            .Distinct()
                            .ToList();
                        seen.Add(new SetCookieSeen(name, line, reasons));
                    }
                }

                return seen;
            }
        }

        private static IEnumerable<string> SetCookieLines(JsonElement info)
        {
            if (!info.TryGetProperty("headers", out var headers))
            {
                return [];
            }

            return headers.EnumerateObject()
                .Where(h => h.Name.Equals("set-cookie", StringComparison.OrdinalIgnoreCase))
                .SelectMany(h => (h.Value.GetString() ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }
    }
}
