using Cryptshare.Topology.Fixtures.SmtpRelay;
using Cryptshare.Topology.Tests.Integration.Support;

namespace Cryptshare.Topology.Tests.Integration.SmtpRelay;

/// <summary>
/// smtp4dev runs as the user ctt-relay without any capability (it still serves 25, 465 and 587), and
/// its account's password reaches it through an owner-only file, not its environment.
/// </summary>
[TestFixture(SmtpRelayMode.Plain)]
[TestFixture(SmtpRelayMode.ImplicitTls)]
[Category("Hosts")]
public sealed class RelayRunsUnprivilegedTests(SmtpRelayMode mode)
{
    [Test]
    public async Task Smtp4devRunsAsCttRelayWithoutCapabilitiesAndNothingRunsAsRoot()
    {
        var relay = await SharedRelays.GetAsync(mode);
        var processes = await ContainerProcesses.ListAsync(relay);
        var listing = string.Join("\n", processes);
        var smtp4dev = processes.Single(p => p.CommandLine.Contains("Rnwood.Smtp4dev.dll", StringComparison.Ordinal));
        Assert.That((smtp4dev.Pid, smtp4dev.User, smtp4dev.HasNoCapability), Is.EqualTo((1, "ctt-relay", true)), listing);
        Assert.That(processes.Where(p => p.IsRoot), Is.Empty, listing);
    }

    [Test]
    public async Task ThePasswordIsInNoEnvironmentAndInAnOwnerOnlyFile()
    {
        var relay = await SharedRelays.GetAsync(mode);
        // As smtp4dev's own user: root without CAP_SYS_PTRACE may not read another user's environment.
        var environment = await relay.ExecAsync(["setpriv", "--reuid=ctt-relay", "--regid=ctt-relay", "--clear-groups", "sh", "-c", "tr '\\0' '\\n' < /proc/1/environ"]);
        Assert.That(environment.ExitCode, Is.Zero, environment.Stderr);
        Assert.That(environment.Stdout, Does.Contain("HOME=/var/lib/smtp4dev"), "the environment was read");
        Assert.That(environment.Stdout, Does.Not.Contain(relay.Credentials.Password).And.Not.Contain("ServerOptions__Users"));

        var settings = await relay.ExecAsync(["stat", "-c", "%U %a", "/var/lib/smtp4dev/appsettings.json"]);
        Assert.That(settings.Stdout.Trim(), Is.EqualTo("ctt-relay 600"), settings.Stderr);
    }
}
