namespace Cryptshare.Topology.Reports;

/// <summary>One Set-Cookie a browser received for the web app, and the reasons the browser gave for refusing it (none when it stored it).</summary>
public sealed record SetCookieSeen(string Name, string Line, IReadOnlyList<string> BlockedReasons)
{
    /// <summary>The attributes after the name=value pair, values never included (a session id is a secret of sorts).</summary>
    public string Attributes => string.Join("; ", Line.Split(';').Skip(1).Select(a => a.Trim()).Where(a => a.Length > 0));

    public bool Secure => AttributeNames.Contains("secure", StringComparer.OrdinalIgnoreCase);

    /// <summary>The SameSite value as sent, or null when the attribute is absent (Chrome then treats it as Lax).</summary>
    public string? SameSite => Line.Split(';').Skip(1).Select(a => a.Trim())
        .Where(a => a.StartsWith("samesite=", StringComparison.OrdinalIgnoreCase))
        .Select(a => a["samesite=".Length..])
        .FirstOrDefault();

    private IEnumerable<string> AttributeNames => Line.Split(';').Skip(1).Select(a => a.Split('=')[0].Trim());
}

/// <summary>What a real browser did with the web app's session cookie when a portal page embedded the app in a frame.</summary>
/// <param name="Embedding">How the app was embedded, in words (which page, which frame, which scheme).</param>
/// <param name="PortalUrl">The page the browser opened.</param>
/// <param name="AppUrl">The frame's address: the web app.</param>
/// <param name="SessionCookie">The cookie that carries the session (cs-ui-session).</param>
/// <param name="SetCookies">Every Set-Cookie of the app's responses, with the browser's reasons for refusing any.</param>
/// <param name="Stored">The browser kept the session cookie for the app.</param>
/// <param name="SentBack">The server saw its own session id come back from the frame.</param>
public sealed record EmbeddedSessionObservation(
    string Embedding,
    Uri PortalUrl,
    Uri AppUrl,
    string SessionCookie,
    IReadOnlyList<SetCookieSeen> SetCookies,
    bool Stored,
    bool SentBack);

/// <summary>
/// The cookies flow's result in the user's terms: whether the embedded web app keeps its session,
/// and when it does not, which cookie, which attribute, and what to change.
/// </summary>
public sealed record SessionCookieReport(
    string Embedding,
    Uri PortalUrl,
    Uri AppUrl,
    string Verdict,
    string Cookie,
    string? Attributes,
    IReadOnlyList<string> BrowserReasons,
    bool Stored,
    bool SentBack,
    string Explanation,
    string? Change)
{
    public bool Works => Verdict == "allowed";
}

/// <summary>Explains an <see cref="EmbeddedSessionObservation"/>: the cookie's attributes as sent, the browser's own reasons, and the fix.</summary>
public static class SessionCookieDiagnosis
{
    public static SessionCookieReport Explain(EmbeddedSessionObservation seen)
    {
        var cookie = seen.SessionCookie;
        var set = seen.SetCookies.LastOrDefault(c => c.Name == cookie);
        var reasons = set?.BlockedReasons ?? [];
        var overHttp = seen.AppUrl.Scheme == Uri.UriSchemeHttp;
        var httpsApp = new UriBuilder(seen.AppUrl) { Scheme = Uri.UriSchemeHttps, Port = -1 }.Uri;
        var httpsPortal = new UriBuilder(seen.PortalUrl) { Scheme = Uri.UriSchemeHttps, Port = -1 }.Uri;
        string explanation;
        string? change;

        if (seen.SentBack)
        {
            explanation = $"The embedded web app keeps its session: the browser stored {cookie} ({set?.Attributes ?? "attributes not seen"}) and sent it back from the frame.";
            change = null;
        }
        else if (set is null)
        {
            explanation = $"The embedded web app has no session: the browser never received {cookie}. The web app's answer reached the frame without a Set-Cookie header for it, " +
                          "so something between the browser and the Cryptshare Server (a reverse proxy, a web filter) removes Set-Cookie.";
            change = $"Let Set-Cookie headers from the Cryptshare Server through to the browser unchanged (on a reverse proxy: do not hide or clear Set-Cookie for {seen.AppUrl.Host}).";
        }
        else if (string.Equals(set.SameSite, "none", StringComparison.OrdinalIgnoreCase) && !set.Secure)
        {
            explanation = $"Chrome refused the session cookie {cookie}. The Cryptshare Server sent it with SameSite=None — what lets the web app keep its session inside a frame of " +
                          $"another page — but without Secure, because the page came over plain HTTP ({seen.AppUrl.GetLeftPart(UriPartial.Authority)}). Chrome accepts SameSite=None only " +
                          "together with Secure, and a cookie can be Secure only over HTTPS. Without the cookie every request of the embedded app arrives without a session.";
            change = $"Open the portal and Cryptshare over HTTPS ({httpsPortal.GetLeftPart(UriPartial.Authority)}/ embedding {httpsApp.GetLeftPart(UriPartial.Authority)}/), " +
                     "and redirect plain HTTP (port 80) to HTTPS; the cookie then carries Secure and Chrome keeps it. Plain HTTP cannot carry it.";
        }
        else if (set.Secure && overHttp)
        {
            explanation = $"Chrome refused the session cookie {cookie}: it is marked Secure ({set.Attributes}) but reached the browser over plain HTTP ({seen.AppUrl.GetLeftPart(UriPartial.Authority)}). " +
                          "The Cryptshare Server was reached over HTTPS, by something that serves the browser plain HTTP (a reverse proxy rewriting HTTPS to HTTP).";
            change = $"Serve the browser over HTTPS end to end ({httpsApp.GetLeftPart(UriPartial.Authority)}/): let the proxy terminate TLS towards the browser instead of rewriting to http://.";
        }
        else if (set.SameSite is null || !string.Equals(set.SameSite, "none", StringComparison.OrdinalIgnoreCase))
        {
            explanation = $"The browser {(seen.Stored ? "stored" : "did not store")} {cookie} but did not send it back from the frame: it is SameSite={set.SameSite ?? "(absent: Lax)"}, " +
                          "and a Lax or Strict cookie is not sent in a frame embedded by another site.";
            change = $"Serve Cryptshare over HTTPS ({httpsApp.GetLeftPart(UriPartial.Authority)}/) with embedding permitted, so the session cookie is SameSite=None; Secure.";
        }
        else
        {
            explanation = $"The browser {(seen.Stored ? "stored" : "did not store")} {cookie} ({set.Attributes}) but the server never saw it come back from the frame" +
                          (reasons.Count > 0 ? $"; Chrome's reasons: {string.Join(", ", reasons)}." : ".");
            change = null;
        }

        if (reasons.Count > 0 && !seen.SentBack)
        {
            explanation += $" (Chrome's own reason: {string.Join(", ", reasons.Select(Words))}.)";
        }

        return new SessionCookieReport(seen.Embedding, seen.PortalUrl, seen.AppUrl, seen.SentBack ? "allowed" : "broken", cookie, set?.Attributes, reasons, seen.Stored, seen.SentBack, explanation, change);
    }

    /// <summary>DevTools' cookie-blocking reasons, as a person reads them.</summary>
    private static string Words(string reason) => reason switch
    {
        "SameSiteNoneInsecure" => "SameSiteNoneInsecure — SameSite=None without Secure",
        "SecureOnly" => "SecureOnly — a Secure cookie over an insecure connection",
        "SameSiteLax" or "SameSiteUnspecifiedTreatedAsLax" => $"{reason} — a Lax cookie in a cross-site frame",
        "SameSiteStrict" => "SameSiteStrict — a Strict cookie in a cross-site frame",
        "ThirdPartyPhaseout" or "ThirdPartyBlockedInFirstPartySet" or "UserPreferences" => $"{reason} — third-party cookies are blocked",
        _ => reason,
    };
}
