using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Cryptshare.Topology.Bench;

/// <summary>
/// CPU time of the calling thread (Linux CLOCK_THREAD_CPUTIME_ID): evaluations per CPU-second are
/// the per-core figure even on a machine shared with other work; wall-clock rates are printed too.
/// </summary>
public static partial class ThreadClock
{
    private const int ClockThreadCpuTime = 3;

    public static bool Available { get; } = OperatingSystem.IsLinux() && TryRead(out _);

    public static TimeSpan Now() => Available && TryRead(out var time) ? time : Process.GetCurrentProcess().TotalProcessorTime;

    private static bool TryRead(out TimeSpan time)
    {
        time = default;
        try
        {
            if (ClockGetTime(ClockThreadCpuTime, out var spec) != 0)
            {
                return false;
            }

            time = TimeSpan.FromTicks(spec.Seconds * TimeSpan.TicksPerSecond + spec.Nanoseconds / 100);
            return true;
        }
        catch (DllNotFoundException)
        {
            return false;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);
}
