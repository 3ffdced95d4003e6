using Cryptshare.Topology.Fixtures.Engine;

namespace Cryptshare.Topology.Tests.Integration.Reports;

/// <summary>
/// The machine's Chromium (Debian's `chromium`, installed by eng/ensure-browser.sh), driven by
/// Playwright through its ExecutablePath: the harness never downloads a browser of its own.
/// </summary>
internal static class HeadlessChromium
{
    public const string HowToGetOne =
        "no Chromium found for the report.html browser test: run eng/ensure-browser.sh (Debian, root), install your distribution's chromium package, or set CTT_CHROMIUM to a Chromium executable.";

    public static string? Find()
    {
        var named = Environment.GetEnvironmentVariable("CTT_CHROMIUM");
        if (!string.IsNullOrEmpty(named))
        {
            return File.Exists(named) ? named : null;
        }

        return new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);
    }

    /// <summary>The executable, or the test stops: failed under CI, ignored with the message on a laptop.</summary>
    public static string Require()
    {
        if (Find() is { } path)
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

    /// <summary>Flags for a quiet headless run that contacts nothing on its own.</summary>
    public static readonly string[] QuietArguments =
    [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--no-first-run",
    ];
}
