namespace Cryptshare.Topology.ServerStandIn;

/// <summary>
/// What each listener answers. One route table serves all four listeners; a handler asks the
/// connection's listener which interface it is (user or administration) and whether it came over TLS.
/// </summary>
internal static class Endpoints
{
    public const string OutlookPing = "/api/outlook/v1/ping";

    public static void Map(WebApplication app)
    {
        app.MapGet("/", Home);
        app.MapGet("/session", Session);
        app.MapGet("/health", Health);
        app.MapGet(OutlookPing, OutlookPingHandler);
    }

    /// <summary>The interface's start page; sets its cookies, and a script reports whether they come back (for a browser test).</summary>
    private static IResult Home(HttpContext context, SessionStore sessions, UiSettings settings)
    {
        var listener = context.Listener();
        if (listener.Interface == WebInterface.User)
        {
            CryptshareCookies.SetUserInterfaceCookies(context.Response, listener.Tls, sessions, settings.EmbeddingPermitted);
        }
        else
        {
            CryptshareCookies.SetAdministrationCookies(context.Response, listener.Tls, sessions);
        }

        context.Response.Headers.CacheControl = "no-store";
        return Results.Content(Pages.Home(listener), "text/html; charset=utf-8");
    }

    /// <summary>Whether the browser sent back a session cookie this server issued, and which cookie names came (names only).</summary>
    private static IResult Session(HttpContext context, SessionStore sessions)
    {
        var listener = context.Listener();
        var cookieName = CryptshareCookies.SessionCookieOf(listener.Interface);
        context.Response.Headers.CacheControl = "no-store";
        return Results.Json(new
        {
            sessionSeen = sessions.IsIssued(listener.Interface, context.Request.Cookies[cookieName]),
            sessionCookie = cookieName,
            cookiesSeen = context.Request.Cookies.Keys.Order(StringComparer.Ordinal).ToArray(),
            listener = listener.Name,
        });
    }

    /// <summary>Readiness: answers on every listener without setting cookies.</summary>
    private static IResult Health(HttpContext context)
    {
        var listener = context.Listener();
        return Results.Json(new { status = "ok", listener = listener.Name, port = listener.Port, tls = listener.Tls });
    }

    /// <summary>
    /// The REST call Cryptshare for Outlook makes, reduced to its headers: 400 naming every header
    /// that is missing or malformed, 200 with the X-CS-* header names that arrived. Only on the user
    /// interface's listeners, where the add-in connects; the administration listeners answer 404.
    /// </summary>
    private static IResult OutlookPingHandler(HttpContext context, ILoggerFactory loggers)
    {
        var listener = context.Listener();
        if (listener.Interface != WebInterface.User)
        {
            return Results.NotFound();
        }

        var log = loggers.CreateLogger("Cryptshare.Outlook");
        var problems = OutlookHeaders.Check(context.Request.Headers);
        var seen = context.Request.Headers.Keys
            .Where(k => k.StartsWith("X-CS-", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.OrdinalIgnoreCase)
            .ToArray();
        if (problems.Count > 0)
        {
            // Names and problem texts only: OutlookHeaders never puts a secret value into a problem.
            log.LogInformation("{Listener} {Path}: 400, headers rejected: {Problems}", listener.Name, OutlookPing,
                string.Join("; ", problems.Select(p => $"{p.Header} {p.Problem}")));
            return Results.Json(new
            {
                error = "Cryptshare for Outlook request headers are missing or malformed",
                rejectedHeaders = problems.Select(p => p.Header).ToArray(),
                problems = problems.Select(p => new { header = p.Header, problem = p.Problem }).ToArray(),
            }, statusCode: StatusCodes.Status400BadRequest);
        }

        log.LogInformation("{Listener} {Path}: 200, headers seen: {Headers}", listener.Name, OutlookPing, string.Join(", ", seen));
        return Results.Json(new
        {
            status = "ok",
            headersSeen = seen,
            majorApiVersion = OutlookHeaders.SupportedMajorApiVersion,
            offeredMinorApiVersion = OutlookHeaders.OfferedMinorApiVersion,
            listener = listener.Name,
        });
    }
}
