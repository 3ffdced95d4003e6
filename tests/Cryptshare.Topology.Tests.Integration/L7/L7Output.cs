using Cryptshare.Topology.Fixtures.Engine;

namespace Cryptshare.Topology.Tests.Integration.L7;

/// <summary>
/// Everything the L7 tests print or write goes through here: to the test's own output and into
/// one folder per run (test-output.log, reports), so the secrets test can read all of it back.
/// </summary>
internal static class L7Output
{
    private static readonly Lock Gate = new();

    public static string Folder
    {
        get
        {
            var folder = Path.Combine(TestContext.CurrentContext.WorkDirectory, "l7-output", HarnessLabels.CurrentRun);
            Directory.CreateDirectory(folder);
            return folder;
        }
    }

    public static string LogPath => Path.Combine(Folder, "test-output.log");

    public static void Line(string text)
    {
        TestContext.Out.WriteLine(text);
        lock (Gate)
        {
            System.IO.File.AppendAllText(LogPath, text + Environment.NewLine);
        }
    }

    /// <summary>Writes a file into the run's folder and attaches it to the current test's result.</summary>
    public static string File(string name, string content)
    {
        var path = Path.Combine(Folder, name);
        lock (Gate)
        {
            System.IO.File.WriteAllText(path, content);
        }

        TestContext.AddTestAttachment(path);
        return path;
    }

    /// <summary>Every file written so far (logs and reports), for the secrets test.</summary>
    public static IReadOnlyList<string> AllFiles() => Directory.EnumerateFiles(Folder, "*", SearchOption.AllDirectories).ToList();
}
