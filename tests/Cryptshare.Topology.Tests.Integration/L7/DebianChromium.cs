using Cryptshare.Topology.Fixtures.Engine;

namespace Cryptshare.Topology.Tests.Integration.L7;

/// <summary>
/// The machine's Chromium (Debian's `chromium`, installed by eng/ensure-browser.sh), driven by
/// Playwright through its ExecutablePath: no browser is ever downloaded. Without one the test
/// fails under CI and is ignored on a laptop, saying how to get one.
/// </summary>
internal static class DebianChromium
{
    public const string HowToGetOne =
        "no Chromium for the L7 cookie tests: run eng/ensure-browser.sh (Debian, root), install your distribution's chromium package, or set CTT_CHROMIUM to a Chromium executable.";

    /// <summary>
    /// Flags for a headless run as root that contacts nothing on its own (no QUIC, no component or
    /// sync traffic, no first-run pages). Playwright adds its own automation flags.
    /// </summary>
    public static readonly string[] QuietFlags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    public static string Require()
    {
        var named = Environment.GetEnvironmentVariable("CTT_CHROMIUM");
        var path = !string.IsNullOrEmpty(named)
            ? (File.Exists(named) ? named : null)
            : new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);
        if (path is not null)
        {
            return path;
        }

        if (DockerEngine.UnderCi)
        {
            Assert.Fail(HowToGetOne);
        }

        Assert.Ignore(HowToGetOne);
        return string.Empty;
    }
}
