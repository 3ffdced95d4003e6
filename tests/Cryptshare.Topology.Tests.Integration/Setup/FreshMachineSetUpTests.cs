using System.Diagnostics;
using System.Text.RegularExpressions;
using DotNet.Testcontainers.Containers;

namespace Cryptshare.Topology.Tests.Integration.Setup;

/// <summary>
/// The fresh-machine path that CI, running on a machine that already has an engine, never sees: the
/// project's own eng/ensure-engine.sh on a new Debian 12 root (a privileged debian:bookworm-slim
/// container with this host's apt sources, <see cref="EngineHostContainer"/>). In order, once: the
/// plan, the set-up (engine from trixie, dockerd, debian:bookworm-slim built with debootstrap inside),
/// a second set-up, the plan again, and a set-up that fails. Each test asserts one promise on what
/// was recorded. About 1.5 minutes on the project's machines, most of it apt and debootstrap.
/// </summary>
[TestFixture]
[Category("Setup")]
public sealed partial class FreshMachineSetUpTests
{
    private static readonly string[] TrixiePackages = ["docker.io", "docker-cli", "docker-compose", "containerd"];

    /// <summary>The packages a partial upgrade to the next release replaced first (issue: libc6 2.36→2.41, /etc/debian_version 13.x).</summary>
    private static readonly string[] CorePackages = ["libc6", "base-files", "perl", "python3-minimal"];

    private const string TrixieSource = "/etc/apt/sources.list.d/cryptshare-topology-trixie.sources";
    private const string TrixiePin = "/etc/apt/preferences.d/cryptshare-topology-trixie";

    private EngineHostContainer? _machine;
    private CancellationTokenSource _limit = null!;

    private InstalledPackages _packagesBefore = null!;
    private InstalledPackages _packagesAfterPlan = null!;
    private InstalledPackages _packagesAfterSetUp = null!;
    private InstalledPackages _packagesAfterSecondRun = null!;
    private PackageSuites _suites = null!;
    private string _releaseBefore = "";
    private string _releaseAfter = "";
    private ExecResult _planBefore;
    private ExecResult _filesAfterPlan;
    private ExecResult _setUp;
    private ExecResult _secondRun;
    private ExecResult _planAfter;
    private ExecResult _nestedContainer;
    private ExecResult _failedRun;
    private ExecResult _scratchLeft;
    private string _api = "";
    private string _log = "";

    [OneTimeSetUp]
    public async Task RunTheSetUpOnAFreshMachine()
    {
        _limit = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var ct = _limit.Token;
        var clock = Stopwatch.StartNew();
        _machine = await EngineHostContainer.StartAsync(ct);
        var fresh = await _machine.ExecAsync(["sh", "-c", "command -v docker dockerd debootstrap"], ct);
        Assert.That(fresh.Stdout, Is.Empty, "the machine starts without Docker or debootstrap, as a fresh install");

        _packagesBefore = await PackagesAsync(ct);
        _releaseBefore = await _machine.ReadFileAsync("/etc/debian_version", ct);

        _planBefore = await _machine.RunSetUpAsync(ct, "--print-plan");
        _packagesAfterPlan = await PackagesAsync(ct);
        _filesAfterPlan = await _machine.ExecAsync(["sh", "-c", "ls -d /etc/apt/sources.list.d/cryptshare-topology-* /etc/apt/preferences.d/cryptshare-topology-* /var/tmp/cryptshare-topology /tmp/ctt-plan.* 2>/dev/null"], ct);
        Progress($"plan on a fresh machine: {clock.Elapsed.TotalSeconds:0} s since start");

        var setUpClock = Stopwatch.StartNew();
        _setUp = await _machine.RunSetUpAsync(ct);
        Progress($"set-up on a fresh machine: {setUpClock.Elapsed.TotalSeconds:0} s, exit {_setUp.ExitCode}\n{_setUp.Stderr}");
        Assert.That(_setUp.ExitCode, Is.Zero, $"the set-up failed on a fresh machine:\n{_setUp.Stdout}\n{_setUp.Stderr}");

        _api = (await _machine.ExecAsync(["docker", "version", "--format", "{{.Server.APIVersion}}"], ct)).Stdout.Trim();
        var driver = (await _machine.ExecAsync(["docker", "info", "--format", "{{.Driver}}"], ct)).Stdout.Trim();
        Progress($"nested engine: API {_api}, storage driver {driver}");
        _packagesAfterSetUp = await PackagesAsync(ct);
        _releaseAfter = await _machine.ReadFileAsync("/etc/debian_version", ct);
        var changed = _packagesAfterSetUp.AddedOrChangedSince(_packagesBefore);
        _suites = PackageSuites.Parse((await _machine.ExecAsync(PackageSuites.Query(changed.Keys), ct)).Stdout);
        _nestedContainer = await _machine.ExecAsync(["docker", "run", "--rm", "debian:bookworm-slim", "cat", "/etc/debian_version"], ct);
        _log = await _machine.ReadFileAsync(EngineHostContainer.SetUpLog, ct);

        _secondRun = await _machine.RunSetUpAsync(ct);
        _packagesAfterSecondRun = await PackagesAsync(ct);
        _planAfter = await _machine.RunSetUpAsync(ct, "--print-plan");

        await BreakTheMirrorAndDropTheBaseImageAsync(ct);
        _failedRun = await _machine.RunSetUpAsync(ct);
        _scratchLeft = await _machine.ExecAsync(["sh", "-c", "ls -d /var/tmp/ctt-rootfs.* 2>/dev/null"], ct);
        Progress($"a set-up that fails (mirror on a closed loopback port): exit {_failedRun.ExitCode}\n{_failedRun.Stderr}");
        Progress($"Setup fixture, container start to last step: {clock.Elapsed.TotalSeconds:0} s");
    }

    [OneTimeTearDown]
    public async Task RemoveTheMachine()
    {
        if (_machine is not null)
        {
            await _machine.DisposeAsync();
        }

        _limit.Dispose();
    }

    [Test]
    public void ThePlanListsEveryChangeAndMakesNone()
    {
        var plan = _planBefore.Stdout;
        Assert.That(_planBefore.ExitCode, Is.Zero, _planBefore.Stderr);
        Assert.Multiple(() =>
        {
            Assert.That(plan, Does.Contain($"write {TrixieSource}:").And.Contain("Suites: trixie"), "the apt source file, with its content");
            Assert.That(plan, Does.Contain($"write {TrixiePin}:").And.Contain("Pin-Priority: 100"), "the pin file, with its content");
            Assert.That(plan, Does.Contain("start dockerd"));
            Assert.That(plan, Does.Contain("net.ipv4.ip_forward").And.Contain("FORWARD policy").And.Contain("docker0"), "what dockerd changes on the host");
            Assert.That(plan, Does.Contain("debootstrap --variant=minbase bookworm"), "the base image it would build");
            Assert.That(_packagesAfterPlan.Versions, Is.EqualTo(_packagesBefore.Versions), "planning installed or changed a package");
            Assert.That(_filesAfterPlan.Stdout, Is.Empty, "planning wrote the files it plans, its log folder, or left its scratch folder");
        });
    }

    [Test]
    public void ThePlannedPackagesAreTheInstalledOnesWithTheirSuites()
    {
        // A package both the engine and debootstrap would pull in is named twice: once is enough.
        var planned = PlannedPackages().GroupBy(p => p.Name).ToDictionary(g => g.Key, g => g.First());
        var installed = _packagesAfterSetUp.AddedOrChangedSince(_packagesBefore);
        Assert.That(planned.Keys, Is.EquivalentTo(installed.Keys), $"the plan:\n{_planBefore.Stdout}");
        Assert.Multiple(() =>
        {
            foreach (var (name, version) in installed)
            {
                Assert.That(planned[name].Version, Is.EqualTo(version), name);
                Assert.That(planned[name].Suites, Is.EquivalentTo(_suites.Of(name, version)), $"{name}'s suites as planned");
            }
        });
    }

    [Test]
    public void AnEngineAnswersWithApi144OrNewer()
    {
        Assert.That(Version.TryParse(_api, out var api), Is.True, $"docker version gave '{_api}'");
        Assert.That(api, Is.GreaterThanOrEqualTo(new Version(1, 44)));
    }

    [Test]
    public void BookwormsCorePackagesAndReleaseStayAsTheyWere()
    {
        Assert.Multiple(() =>
        {
            foreach (var name in CorePackages)
            {
                if (_packagesBefore.VersionOf(name) is { } before)
                {
                    Assert.That(_packagesAfterSetUp.VersionOf(name), Is.EqualTo(before), $"{name} was replaced");
                }
                else if (_packagesAfterSetUp.VersionOf(name) is { } added)
                {
                    Assert.That(_suites.Of(name, added).Any(PackageSuites.IsBookworm), Is.True, $"{name} {added} was added, and not from bookworm");
                }
            }

            Assert.That(_releaseAfter, Is.EqualTo(_releaseBefore), "/etc/debian_version changed");
            Assert.That(_releaseAfter, Does.StartWith("12."));
        });
    }

    [Test]
    public void OnlyTheEnginePackagesComeFromTrixie()
    {
        var installed = _packagesAfterSetUp.AddedOrChangedSince(_packagesBefore);
        Assert.That(installed.Keys, Is.SupersetOf(TrixiePackages));
        Assert.Multiple(() =>
        {
            foreach (var (name, version) in installed)
            {
                var suites = _suites.Of(name, version);
                if (TrixiePackages.Contains(name))
                {
                    Assert.That(suites, Does.Contain("trixie"), $"{name} {version}");
                }
                else
                {
                    Assert.That(suites.Any(PackageSuites.IsBookworm), Is.True, $"{name} {version} came from {string.Join(", ", suites)}, not bookworm");
                }
            }
        });
    }

    [Test]
    public void TheTerminalGetsOneLinePerStepAndTheToolsOutputGoesToTheLog()
    {
        var lines = _setUp.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Multiple(() =>
        {
            Assert.That(lines, Has.All.StartsWith("[setup] "), _setUp.Stderr);
            Assert.That(lines, Has.Length.LessThanOrEqualTo(10), "a line per step, not the tools' output");
            Assert.That(_setUp.Stderr, Does.Not.Contain("Reading database").And.Not.Contain("Unpacking"));
            Assert.That(lines[^1], Does.StartWith("[setup] changed: ").And.Contain("docker.io").And.Contain("started dockerd").And.Contain(EngineHostContainer.SetUpLog));
            Assert.That(_log, Does.Contain("Unpacking docker.io").And.Contain("I: Base system installed successfully."), "apt's and debootstrap's output are in the log");
        });
    }

    [Test]
    public void TheBaseImageIsBuiltWithDebootstrapAndRunsInTheNewEngine()
    {
        Assert.That(_setUp.Stderr, Does.Contain("building debian:bookworm-slim with debootstrap"));
        Assert.That(_nestedContainer.ExitCode, Is.Zero, _nestedContainer.Stderr);
        Assert.That(_nestedContainer.Stdout, Does.StartWith("12."), "a container of the seeded image is Debian 12");
    }

    [Test]
    public void ASecondRunInstallsNothingAndSaysSo()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_secondRun.ExitCode, Is.Zero, _secondRun.Stderr);
            Assert.That(_secondRun.Stderr.Trim(), Does.StartWith("[setup] nothing to do").And.Not.Contain("\n"));
            Assert.That(_packagesAfterSecondRun.Versions, Is.EqualTo(_packagesAfterSetUp.Versions));
            Assert.That(_planAfter.Stdout, Does.StartWith("nothing to do"), "the plan once all is in place");
        });
    }

    [Test]
    public void AFailedStepShowsTheErrorTheLogsLastLinesAndItsPath()
    {
        var message = _failedRun.Stderr;
        Assert.Multiple(() =>
        {
            Assert.That(_failedRun.ExitCode, Is.EqualTo(3), message);
            Assert.That(message, Does.Contain("set-up failed: debootstrap"));
            Assert.That(message, Does.Contain($"Last lines of {EngineHostContainer.SetUpLog}:"));
            Assert.That(message, Does.Contain("Failed getting release file http://127.0.0.1:9/"), "debootstrap's own complaint about the mirror, from the log");
            Assert.That(message, Does.Not.Contain("Base system installed successfully"), "only this run's lines of the log, not the earlier set-up's");
            Assert.That(message, Does.Contain($"The whole log: {EngineHostContainer.SetUpLog}"));
            Assert.That(message, Does.Not.Contain("   at "), "no stack trace");
            Assert.That(_scratchLeft.Stdout, Is.Empty, "the failed build's temporary root is removed");
        });
    }

    /// <summary>
    /// For the failure: the mirror becomes a closed port on the machine's own loopback, and the base
    /// image goes, so the next set-up has to build it with debootstrap and cannot.
    /// </summary>
    private async Task BreakTheMirrorAndDropTheBaseImageAsync(CancellationToken ct)
    {
        await _machine!.ExecAsync(["rm", "-f", "/etc/apt/sources.list"], ct);
        await _machine.WriteFileAsync("/etc/apt/sources.list.d/debian.sources",
            "Types: deb\nURIs: http://127.0.0.1:9/debian\nSuites: bookworm\nComponents: main\n", ct);
        var removed = await _machine.ExecAsync(["docker", "image", "rm", "debian:bookworm-slim"], ct);
        Assert.That(removed.ExitCode, Is.Zero, removed.Stderr);
    }

    private async Task<InstalledPackages> PackagesAsync(CancellationToken ct)
    {
        var query = await _machine!.ExecAsync(InstalledPackages.Query, ct);
        Assert.That(query.ExitCode, Is.Zero, query.Stderr);
        return InstalledPackages.Parse(query.Stdout);
    }

    /// <summary>"name version (suite, suite)" as the plan names each package it would install.</summary>
    private IEnumerable<(string Name, string Version, string[] Suites)> PlannedPackages() =>
        PlannedPackage().Matches(_planBefore.Stdout).Select(m =>
            (m.Groups["name"].Value, m.Groups["version"].Value, m.Groups["suites"].Value.Split(", ")));

    [GeneratedRegex(@"(?<name>[a-z0-9][a-z0-9.+-]+) (?<version>[0-9][^ ]*) \((?<suites>[a-z]+(?:-[a-z]+)*(?:, [a-z]+(?:-[a-z]+)*)*)\)")]
    private static partial Regex PlannedPackage();

    private static void Progress(string line) => TestContext.Progress.WriteLine($"[Setup] {line}");
}
