using Cryptshare.Topology.Reports;

namespace Cryptshare.Topology.Tests.Unit.L7;

/// <summary>
/// The cookies report in the user's terms, from what a browser saw: which cookie, which attribute,
/// what to change — for each way the embedded web app loses its session.
/// </summary>
[TestFixture]
public sealed class SessionCookieDiagnosisTests
{
    private static EmbeddedSessionObservation Seen(string scheme, string? setCookie, bool stored, bool sentBack, params string[] reasons) => new(
        "test embedding",
        new Uri($"{scheme}://portal.customer.example:8443/"),
        new Uri($"{scheme}://cryptshare.customer.example:8443/"),
        "cs-ui-session",
        setCookie is null ? [] : [new SetCookieSeen("client_id", "client_id=abc; path=/; httponly", []), new SetCookieSeen("cs-ui-session", setCookie, reasons)],
        stored,
        sentBack);

    [Test]
    public void AWorkingSessionNeedsNoChange()
    {
        var report = SessionCookieDiagnosis.Explain(Seen("https", "cs-ui-session=0123; path=/; secure; samesite=none; httponly", true, true));

        Assert.That(report.Works, Is.True);
        Assert.That(report.Attributes, Is.EqualTo("path=/; secure; samesite=none; httponly"), "attributes only, never the value");
        Assert.That(report.Change, Is.Null);
    }

    [Test]
    public void SameSiteNoneWithoutSecureOverHttpNamesCookieAttributeAndFix()
    {
        var report = SessionCookieDiagnosis.Explain(Seen("http", "cs-ui-session=0123; path=/; samesite=none; httponly", false, false, "SameSiteNoneInsecure"));

        Assert.That(report.Verdict, Is.EqualTo("broken"));
        Assert.That(report.Explanation, Does.Contain("Chrome refused the session cookie cs-ui-session").And.Contain("SameSite=None").And.Contain("without Secure")
            .And.Contain("SameSiteNoneInsecure — SameSite=None without Secure"));
        Assert.That(report.Change, Does.Contain("https://portal.customer.example/ embedding https://cryptshare.customer.example/"));
        Assert.That(report.Explanation + report.Change, Does.Not.Contain("0123"));
    }

    [Test]
    public void ASecureCookieOverHttpPointsAtTheProxy()
    {
        var report = SessionCookieDiagnosis.Explain(Seen("http", "cs-ui-session=0123; path=/; secure; samesite=none", false, false, "SecureOnly"));

        Assert.That(report.Explanation, Does.Contain("marked Secure").And.Contain("over plain HTTP").And.Contain("reverse proxy"));
        Assert.That(report.Change, Does.Contain("HTTPS end to end"));
    }

    [Test]
    public void NoSetCookieAtAllPointsAtWhatRemovesIt()
    {
        var report = SessionCookieDiagnosis.Explain(Seen("https", null, false, false));

        Assert.That(report.Explanation, Does.Contain("never received cs-ui-session"));
        Assert.That(report.Attributes, Is.Null);
        Assert.That(report.Change, Does.Contain("Let Set-Cookie headers"));
    }

    [Test]
    public void ALaxCookieInAnotherSitesFrameIsExplained()
    {
        var report = SessionCookieDiagnosis.Explain(Seen("http", "cs-ui-session=0123; path=/; samesite=lax; httponly", true, false, "SameSiteLax"));

        Assert.That(report.Explanation, Does.Contain("SameSite=lax").And.Contain("not sent in a frame embedded by another site"));
        Assert.That(report.Change, Does.Contain("SameSite=None; Secure"));
    }

    [Test]
    public void SetCookieAttributesAreRead()
    {
        var cookie = new SetCookieSeen("a", "a=b; Path=/; Secure; SameSite=None; HttpOnly", []);
        Assert.That((cookie.Secure, cookie.SameSite), Is.EqualTo((true, "None")));
        Assert.That(new SetCookieSeen("a", "a=b; Path=/", []).SameSite, Is.Null);
    }
}
