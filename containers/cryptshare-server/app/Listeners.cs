namespace Cryptshare.Topology.ServerStandIn;

/// <summary>The two web applications of a Cryptshare Server: the user interface and the administration interface.</summary>
internal enum WebInterface
{
    User,
    Administration,
}

/// <summary>
/// One listening socket. Names are the topology's flow ids (ui-http, ui-https, admin-https,
/// admin-http), so a log line says which flow a request came in on.
/// </summary>
internal sealed record Listener(string Name, WebInterface Interface, int Port, bool Tls);

/// <summary>
/// The four web listeners and their ports. The vendor's defaults are 80/443 (user interface) and
/// 8080 (HTTPS) / 9090 (HTTP) for the administration interface, but every port is configurable on a
/// real server, so the builder may move any of them with an environment variable.
/// </summary>
internal sealed class ListenerPlan
{
    private readonly Dictionary<int, Listener> _byPort;

    private ListenerPlan(IReadOnlyList<Listener> listeners)
    {
        var clash = listeners.GroupBy(l => l.Port).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null)
        {
            throw new InvalidOperationException($"listeners {string.Join(" and ", clash.Select(l => l.Name))} are both on port {clash.Key}");
        }

        Listeners = listeners;
        _byPort = listeners.ToDictionary(l => l.Port);
    }

    public IReadOnlyList<Listener> Listeners { get; }

    public static ListenerPlan FromEnvironment() => new(
    [
        new Listener("ui-http", WebInterface.User, Port("CTT_UI_HTTP_PORT", 80), Tls: false),
        new Listener("ui-https", WebInterface.User, Port("CTT_UI_HTTPS_PORT", 443), Tls: true),
        new Listener("admin-https", WebInterface.Administration, Port("CTT_ADMIN_HTTPS_PORT", 8080), Tls: true),
        new Listener("admin-http", WebInterface.Administration, Port("CTT_ADMIN_HTTP_PORT", 9090), Tls: false),
    ]);

    /// <summary>The listener a connection came in on. Docker's port mapping keeps the container-side port, so this holds behind it too.</summary>
    public Listener ByLocalPort(int port) =>
        _byPort.TryGetValue(port, out var listener)
            ? listener
            : throw new InvalidOperationException($"a connection arrived on port {port}, where nothing should listen");

    private static int Port(string variable, int defaultPort)
    {
        var text = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return defaultPort;
        }

        return int.TryParse(text, out var port) && port is > 0 and < 65536
            ? port
            : throw new InvalidOperationException($"{variable}='{text}' is not a TCP port");
    }
}

internal static class ListenerHttpContextExtensions
{
    public static Listener Listener(this HttpContext context) =>
        context.Features.Get<Listener>() ?? throw new InvalidOperationException("the listener middleware did not run");
}
