using System.Diagnostics;
using Cryptshare.Topology.Fixtures.Engine;

namespace Cryptshare.Topology.Tests.Unit.Faults;

/// <summary>A process the harness starts ends with the verb that started it, children included, when the verb is cancelled.</summary>
[TestFixture]
public sealed class ChildProcessesTests
{
    [Test]
    public async Task CancellingTheVerbEndsTheProcessAndItsChildren()
    {
        // A shell whose child says it started (a line on stdout), then both wait: the shape of unshare → sh → nft.
        using var process = Process.Start(new ProcessStartInfo("sh") { ArgumentList = { "-c", "sleep 300 & echo $!; wait" }, RedirectStandardOutput = true })!;
        var child = int.Parse((await process.StandardOutput.ReadLineAsync())!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(Directory.Exists($"/proc/{child}"), Is.True, "the child runs");

        using var verb = new CancellationTokenSource();
        using (ChildProcesses.EndWith(process, verb.Token))
        {
            await verb.CancelAsync();
        }

        Assert.That(process.HasExited, Is.True, "the process ended with the verb");
        // SIGKILL is delivered as the kernel schedules the child: wait for that state, not for a time.
        Assert.That(SpinWait.SpinUntil(() => !Runs(child), TimeSpan.FromSeconds(5)), Is.True, "its child ended too");
    }

    /// <summary>The process exists and is not a zombie (ended, not yet reaped).</summary>
    private static bool Runs(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    [Test]
    public async Task AProcessThatEndedFirstIsLeftAlone()
    {
        using var process = Process.Start(new ProcessStartInfo("true"))!;
        await process.WaitForExitAsync();
        using var verb = new CancellationTokenSource();
        using (ChildProcesses.EndWith(process, verb.Token))
        {
            Assert.That(verb.CancelAsync, Throws.Nothing);
        }
    }
}
