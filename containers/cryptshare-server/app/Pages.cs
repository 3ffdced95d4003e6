namespace Cryptshare.Topology.ServerStandIn;

/// <summary>
/// The start pages. Each one fetches /session right after loading and writes the answer into
/// the page (element #session, attribute data-session-seen on body), so a browser test can read,
/// in a top-level page or inside a frame embedded by another site, whether the browser kept the
/// session cookie this very response set and sent it back.
/// </summary>
internal static class Pages
{
    public static string Home(Listener listener)
    {
        var title = listener.Interface == WebInterface.User ? "Cryptshare User Interface" : "Cryptshare Administration Interface";
        return $$"""
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><title>{{title}} (test stand-in)</title></head>
            <body data-listener="{{listener.Name}}" data-session-seen="pending">
            <h1>{{title}}</h1>
            <p>Test stand-in, listener {{listener.Name}}. Session cookie sent back: <span id="session">checking</span></p>
            <script>
            fetch('session', { credentials: 'same-origin', cache: 'no-store' })
              .then(function (r) { return r.json(); })
              .then(function (j) {
                document.getElementById('session').textContent = j.sessionSeen ? 'yes' : 'no';
                document.body.dataset.sessionSeen = String(j.sessionSeen);
              })
              .catch(function (e) {
                document.getElementById('session').textContent = 'error: ' + e;
                document.body.dataset.sessionSeen = 'error';
              });
            </script>
            </body>
            </html>
            """;
    }
}
