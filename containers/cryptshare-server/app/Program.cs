using System.Security.Cryptography.X509Certificates;
using Cryptshare.Topology.ServerStandIn;

// The Cryptshare Server stand-in's web side: four Kestrel listeners (user interface over HTTP and
// HTTPS, administration interface over HTTPS and HTTP), a certificate from the harness CA as PEM
// files mapped in by the fixture, and the endpoints in Endpoints.cs.
var plan = ListenerPlan.FromEnvironment();
var certificatePath = Environment.GetEnvironmentVariable("CTT_TLS_CERT") ?? "/etc/ctt/tls/server.crt";
var keyPath = Environment.GetEnvironmentVariable("CTT_TLS_KEY") ?? "/etc/ctt/tls/server.key";
var certificate = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(o =>
{
    o.SingleLine = true;
    o.TimestampFormat = "HH:mm:ss.fff ";
});
// The framework's own request logs stay quiet; the stand-in writes one line per Outlook call itself,
// with header names only. Nothing logs request headers, so no secret header value reaches the log.
builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
builder.Services.AddSingleton<SessionStore>();
builder.Services.AddSingleton(UiSettings.FromEnvironment());
// Quick exit on SIGTERM: the entrypoint stops the container only after this process is gone.
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = false;
    foreach (var listener in plan.Listeners)
    {
        // All addresses: the topology reaches the server on its zone address, tests on the mapped port.
        kestrel.ListenAnyIP(listener.Port, options =>
        {
            if (listener.Tls)
            {
                options.UseHttps(certificate);
            }
        });
    }
});

var app = builder.Build();
app.Use((context, next) =>
{
    context.Features.Set(plan.ByLocalPort(context.Connection.LocalPort));
    return next(context);
});
Endpoints.Map(app);
app.Logger.LogInformation("listening: {Listeners}; embedding in other pages {Embedding}", string.Join(", ", plan.Listeners.Select(l => $"{l.Name}={l.Port}")),
    app.Services.GetRequiredService<UiSettings>().EmbeddingPermitted ? "permitted" : "not permitted");
app.Run();
