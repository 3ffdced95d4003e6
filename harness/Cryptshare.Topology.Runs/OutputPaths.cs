using Cryptshare.Topology.Input;

namespace Cryptshare.Topology.Runs;

/// <summary>
/// Where results go (<c>--out</c>), checked before anything is started: a path that cannot hold
/// them is bad input naming the option and the path, not a failure after the whole matrix.
/// </summary>
public static class OutputPaths
{
    /// <summary>
    /// A folder for reports: it, or the folders it would be created in, must be writable. Checked
    /// by writing there once; what the check created is removed again, so bad input leaves nothing
    /// (the reports create the folder). Returns the full path.
    /// </summary>
    public static string Folder(string path, string option = "--out")
    {
        var full = FullPath(path, option);
        if (File.Exists(full))
        {
            throw new InputException(full, 0, $"{option}: a file is there; give a folder for the reports");
        }

        var existing = full;
        while (!Directory.Exists(existing) && Path.GetDirectoryName(existing) is { } parent)
        {
            existing = parent;
        }

        try
        {
            Directory.CreateDirectory(full);
            var probe = Path.Combine(full, $".ctt-write-check-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(full, 0, $"{option}: cannot write reports there: {e.Message}");
        }
        finally
        {
            for (var created = full; created != existing && Directory.Exists(created) && !Directory.EnumerateFileSystemEntries(created).Any(); created = Path.GetDirectoryName(created)!)
            {
                Directory.Delete(created);
            }
        }

        return full;
    }

    /// <summary>A file to write (its folder must exist; a folder of that name is refused). Returns the full path.</summary>
    public static string FileToWrite(string path, string option = "--out")
    {
        var full = FullPath(path, option);
        if (Directory.Exists(full))
        {
            throw new InputException(full, 0, $"{option}: a folder is there; give a file name");
        }

        var folder = Path.GetDirectoryName(full);
        if (folder is null || !Directory.Exists(folder))
        {
            throw new InputException(full, 0, $"{option}: the folder {folder} does not exist");
        }

        return full;
    }

    /// <summary>Writes a file where <see cref="FileToWrite"/> allowed it; what the system still refuses (a read-only place) is bad input too.</summary>
    public static void Write(string path, string text, string option = "--out")
    {
        try
        {
            File.WriteAllText(path, text);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(path, 0, $"{option}: cannot write there: {e.Message}");
        }
    }

    private static string FullPath(string path, string option)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new InputException("(empty path)", 0, $"{option}: an empty path; give one");
        }

        try
        {
            return Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new InputException(path, 0, $"{option}: not a usable path: {e.Message}");
        }
    }
}
