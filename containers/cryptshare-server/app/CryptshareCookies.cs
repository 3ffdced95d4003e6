using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Cryptshare.Topology.ServerStandIn;

/// <summary>
/// The cookies of the Cryptshare web application (names from the vendor's "Usage of Cookies" page)
/// and the attributes the stand-in gives them. The vendor does not publish the attributes; these
/// are chosen so that the stand-in shows, in a real browser, what the network documentation warns
/// about: "If embedding the web app in other pages is permitted and the page is accessed without
/// HTTPS, problems may occur due to the security settings of the cookies under Chrome."
/// </summary>
internal static class CryptshareCookies
{
    /// <summary>User interface session; vendor: expires at the end of the session.</summary>
    public const string UserSession = "cs-ui-session";

    /// <summary>Administration interface session; vendor: expires at the end of the session.</summary>
    public const string AdminSession = "cs-ai-session";

    /// <summary>Identifies the browser for the verification process; vendor: no expiry, needed for QUICK.</summary>
    public const string ClientId = "client_id";

    /// <summary>
    /// Verification token of the verified user with index N (vendor: verification_tokenN, "e.g.
    /// verification_token1"); the stand-in acts as if one user (index 1) is verified.
    /// </summary>
    public const string VerificationToken = "verification_token1";

    /// <summary>Chrome caps every cookie's lifetime at 400 days; a longer Max-Age would only be cut down.</summary>
    private static readonly TimeSpan ClientIdLifetime = TimeSpan.FromDays(400);

    /// <summary>The vendor says "verification validity period", which the administrator sets; 30 days is the stand-in's choice.</summary>
    private static readonly TimeSpan VerificationLifetime = TimeSpan.FromDays(30);

    /// <summary>
    /// Attributes for every user-interface cookie.
    /// <list type="bullet">
    /// <item>HttpOnly: the server reads them, page scripts never need to; keeps them out of reach of injected script.</item>
    /// <item>Over HTTPS: Secure and SameSite=None. An embedding page on another site loads the web
    /// app in a cross-site frame, and browsers store and send a cookie in a cross-site frame only
    /// when it is SameSite=None; Chrome accepts SameSite=None only together with Secure.</item>
    /// <item>Over plain HTTP the cookie cannot be Secure (the browser would drop a Secure cookie that
    /// arrives over http://), so SameSite=None is no option either: Chrome rejects a SameSite=None
    /// cookie without Secure outright, and even the web app opened on its own would lose its session.
    /// The stand-in sends SameSite=Lax instead (what Chrome assumes when the attribute is absent):
    /// opened directly, the user interface works over HTTP; embedded in another site's page, Chrome
    /// neither stores the cookie from the frame's response nor sends it with the frame's requests,
    /// so every request of the embedded app arrives without a session. That is the vendor's warning.</item>
    /// <item>With embedding permitted (<see cref="UiSettings.EmbeddingPermitted"/>, the server's
    /// setting that lets other pages embed the web app) the cookies are SameSite=None over HTTP too,
    /// so that a frame keeps its session whatever page embeds it. Over HTTPS nothing changes. Over
    /// plain HTTP they cannot be Secure, and Chrome refuses a SameSite=None cookie without Secure:
    /// the session is lost in the frame of a portal of the customer's own domain as well (a Lax
    /// cookie would work there: same site). That is the vendor's sentence read literally: "if
    /// embedding the web app in other pages is permitted and the page is accessed without HTTPS,
    /// problems may occur due to the security settings of the cookies under Chrome".</item>
    /// </list>
    /// </summary>
    public static CookieOptions ForUserInterface(bool overTls, TimeSpan? lifetime = null, bool embeddingPermitted = false) => new()
    {
        Path = "/",
        HttpOnly = true,
        Secure = overTls,
        SameSite = overTls || embeddingPermitted ? SameSiteMode.None : SameSiteMode.Lax,
        MaxAge = lifetime,
    };

    /// <summary>
    /// The administration interface session: HttpOnly, and SameSite=Strict because the administration
    /// interface is never embedded and no cross-site navigation should arrive logged in (a cheap
    /// guard against cross-site request forgery). Secure on the HTTPS listener (8080); on the HTTP
    /// listener (9090) it cannot be. A session cookie: no Max-Age.
    /// </summary>
    public static CookieOptions ForAdministration(bool overTls) => new()
    {
        Path = "/",
        HttpOnly = true,
        Secure = overTls,
        SameSite = SameSiteMode.Strict,
    };

    /// <summary>Sets the cookies the user interface page sets: session, client id and one verification token.</summary>
    public static void SetUserInterfaceCookies(HttpResponse response, bool overTls, SessionStore sessions, bool embeddingPermitted = false)
    {
        response.Cookies.Append(UserSession, sessions.Issue(WebInterface.User), ForUserInterface(overTls, embeddingPermitted: embeddingPermitted));
        // A client id as Cryptshare defines it (50–4000 letters and digits), so the value is also a valid X-CS-ClientId.
        response.Cookies.Append(ClientId, RandomNumberGenerator.GetString(Alphanumerics, 64), ForUserInterface(overTls, ClientIdLifetime, embeddingPermitted));
        response.Cookies.Append(VerificationToken, RandomNumberGenerator.GetHexString(32, lowercase: true), ForUserInterface(overTls, VerificationLifetime, embeddingPermitted));
    }

    public static void SetAdministrationCookies(HttpResponse response, bool overTls, SessionStore sessions) =>
        response.Cookies.Append(AdminSession, sessions.Issue(WebInterface.Administration), ForAdministration(overTls));

    public static string SessionCookieOf(WebInterface webInterface) =>
        webInterface == WebInterface.User ? UserSession : AdminSession;

    private const string Alphanumerics = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
}

/// <summary>
/// The web app's settings that the builder passes by environment. <see cref="EmbeddingPermitted"/>:
/// other pages may embed the user interface (<c>CTT_UI_EMBEDDING=permitted</c>); off by default.
/// </summary>
internal sealed record UiSettings(bool EmbeddingPermitted)
{
    public static UiSettings FromEnvironment() =>
        new(string.Equals(Environment.GetEnvironmentVariable("CTT_UI_EMBEDDING"), "permitted", StringComparison.Ordinal));
}

/// <summary>
/// The session ids this process issued, per interface, so that "the session cookie came back"
/// means the browser returned a cookie this server set, not just any cookie of that name.
/// </summary>
internal sealed class SessionStore
{
    private readonly ConcurrentDictionary<string, WebInterface> _issued = new(StringComparer.Ordinal);

    public string Issue(WebInterface webInterface)
    {
        var id = RandomNumberGenerator.GetHexString(32, lowercase: true);
        _issued[id] = webInterface;
        return id;
    }

    public bool IsIssued(WebInterface webInterface, string? id) =>
        id is not null && _issued.TryGetValue(id, out var issuedFor) && issuedFor == webInterface;
}
