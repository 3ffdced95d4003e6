using Cryptshare.Topology.Fixtures.Kinds;

namespace Cryptshare.Topology.Cli.Compose;

/// <summary>
/// Writes the support folder beside docker-compose.yml: every generated file a container mounts
/// (certificates, keys, credentials, the directory LDIF), secrets owner-only, the folder itself
/// owner-only and ignored by git wherever it lies. Written anew on every render: running
/// containers keep what they mounted until they are recreated.
/// </summary>
internal static class ComposeSupport
{
    private static readonly UnixFileMode OwnerOnlyFolder = FileModes.ForFileSystem(FileModes.OwnerOnlyFolder);
    private static readonly UnixFileMode OwnerOnlyFile = FileModes.ForFileSystem(FileModes.OwnerOnly);
    private static readonly UnixFileMode Readable = FileModes.ForFileSystem(FileModes.Readable);

    /// <summary>Writes the folder and returns its path.</summary>
    public static string Write(string outputFolder, ComposePlan plan)
    {
        var folder = Path.Combine(outputFolder, ComposePlan.SupportFolder);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        CreateFolder(folder);
        WriteFile(Path.Combine(folder, ".gitignore"), "# Generated certificates, keys and credentials: never committed.\n*\n", Readable);
        foreach (var file in plan.AllFiles())
        {
            var path = Path.Combine(folder, file.SupportPath);
            CreateFolder(Path.GetDirectoryName(path)!);
            WriteFile(path, file.Content, file.Secret ? OwnerOnlyFile : Readable);
        }

        return folder;
    }

    private static void CreateFolder(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, OwnerOnlyFolder);
        }
    }

    private static void WriteFile(string path, string content, UnixFileMode mode)
    {
        // The mode is set before any content is written: a secret is never readable by others, not even briefly.
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }

        using var writer = new StreamWriter(path, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), options);
        writer.Write(content);
    }
}
