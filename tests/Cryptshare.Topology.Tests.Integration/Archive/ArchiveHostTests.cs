using System.Diagnostics;
using System.Text;
using Cryptshare.Topology.Fixtures.Archive;
using Cryptshare.Topology.Fixtures.Engine;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace Cryptshare.Topology.Tests.Integration.Archive;

/// <summary>
/// The archive host takes a file by SCP and shows it by SFTP, for the archive user logging in with
/// a password and with keys the harness made (ECDSA and RSA, OpenSSH format); it refuses a wrong
/// password and a key it does not know. Every connection pins the container's own host keys.
/// </summary>
[TestFixture]
[Category("Hosts")]
public sealed class ArchiveHostTests
{
    private readonly SshKeyPair _ecdsaKey = SshKeyPair.CreateEcdsa();
    private readonly SshKeyPair _rsaKey = SshKeyPair.CreateRsa();
    private ArchiveContainer _archive = null!;
    private IReadOnlyList<string> _hostKeys = [];
    private TimeSpan _startTime;

    [OneTimeSetUp]
    public async Task StartArchiveHost()
    {
        var image = await HostImages.GetAsync(ArchiveBuilder.Kind);
        _archive = new ArchiveBuilder(image)
            .WithAuthorizedKey(_ecdsaKey.AuthorizedKeysLine)
            .WithAuthorizedKey(_rsaKey.AuthorizedKeysLine)
            .Build();
        var clock = Stopwatch.StartNew();
        await _archive.StartAsync();
        _startTime = clock.Elapsed;
        TestContext.Progress.WriteLine($"archive host ready {_startTime.TotalSeconds:F2} s after start (cached image)");
        _hostKeys = await _archive.HostKeyFingerprintsSha256Async();
    }

    [OneTimeTearDown]
    public async Task DisposeArchiveHost()
    {
        if (_archive is not null)
        {
            await _archive.DisposeAsync();
        }
    }

    [Test]
    public void StartsInUnderTenSecondsFromCachedImage() =>
        Assert.That(_startTime, Is.LessThan(TimeSpan.FromSeconds(10)));

    [Test]
    public async Task PasswordLoginUploadsByScpAndListsBySftp() =>
        await UploadAndList(new PasswordAuthenticationMethod(_archive.Username, _archive.Password), "by-password.txt");

    [TestCase(SshKeyPair.EcdsaNistP256)]
    [TestCase(SshKeyPair.Rsa)]
    public async Task KeyLoginUploadsByScpAndListsBySftp(string algorithm)
    {
        var key = algorithm == SshKeyPair.Rsa ? _rsaKey : _ecdsaKey;
        await UploadAndList(KeyLogin(key), $"by-key-{algorithm}.txt");
    }

    [Test]
    public void WrongPasswordIsRefused()
    {
        using var sftp = new SftpClient(Connection(new PasswordAuthenticationMethod(_archive.Username, _archive.Password + "-wrong")));
        Assert.That(async () => await sftp.ConnectAsync(CancellationToken.None), Throws.InstanceOf<SshAuthenticationException>());
    }

    [Test]
    public void KeyThatIsNotAuthorizedIsRefused()
    {
        using var sftp = new SftpClient(Connection(KeyLogin(SshKeyPair.CreateEcdsa())));
        Assert.That(async () => await sftp.ConnectAsync(CancellationToken.None), Throws.InstanceOf<SshAuthenticationException>());
    }

    [Test]
    public async Task OpenSshClientUsesTheGeneratedKeyToo()
    {
        // The probe agent may use OpenSSH's scp in a client container: it must read the same key file.
        await _archive.CopyAsync(Encoding.ASCII.GetBytes(_ecdsaKey.PrivateKeyOpenSsh), "/tmp/client-key",
            fileMode: DotNet.Testcontainers.Configurations.UnixFileModes.UserRead | DotNet.Testcontainers.Configurations.UnixFileModes.UserWrite);
        var publicPart = await _archive.ExecAsync(["ssh-keygen", "-y", "-f", "/tmp/client-key"]);
        Assert.That(publicPart.ExitCode, Is.Zero, publicPart.Stderr);
        Assert.That(_ecdsaKey.AuthorizedKeysLine, Does.StartWith(publicPart.Stdout.Trim()));

        var copy = await _archive.ExecAsync(["sh", "-c",
            "echo from-openssh > /tmp/by-openssh.txt && scp -i /tmp/client-key -o BatchMode=yes -o StrictHostKeyChecking=no " +
            $"-o UserKnownHostsFile=/dev/null /tmp/by-openssh.txt {_archive.Username}@127.0.0.1:{_archive.ArchiveFolder}/"]);
        Assert.That(copy.ExitCode, Is.Zero, copy.Stderr);
        Assert.That(await _archive.ListArchiveAsync(), Has.Some.EqualTo(new ArchivedFile("by-openssh.txt", "from-openssh\n".Length)));
    }

    [Test]
    public void GeneratedKeyDescribesItselfWithoutItsSecret()
    {
        Assert.That(_ecdsaKey.ToString(), Does.Not.Contain("PRIVATE"));
        Assert.That(_ecdsaKey.PrivateKeyOpenSsh, Does.StartWith("-----BEGIN OPENSSH PRIVATE KEY-----\n"));
        Assert.That(_ecdsaKey.ToString(), Is.EqualTo($"ecdsa-sha2-nistp256 {_ecdsaKey.FingerprintSha256}"));
    }

    private async Task UploadAndList(AuthenticationMethod login, string fileName)
    {
        var content = Encoding.UTF8.GetBytes($"archived {fileName} at {DateTime.UtcNow:O}\n");
        var connection = Connection(login);
        // The archive user's shell is bash: paths are quoted for a POSIX shell.
        using (var scp = new ScpClient(connection, RemotePathTransformation.ShellQuote))
        {
            PinHostKeys(scp);
            await scp.ConnectAsync(CancellationToken.None);
            using var upload = new MemoryStream(content);
            scp.Upload(upload, $"{_archive.ArchiveFolder}/{fileName}");
        }

        using var sftp = new SftpClient(connection);
        PinHostKeys(sftp);
        await sftp.ConnectAsync(CancellationToken.None);
        var listed = new List<(string Name, long Length)>();
        await foreach (var entry in sftp.ListDirectoryAsync(_archive.ArchiveFolder, CancellationToken.None))
        {
            listed.Add((entry.Name, entry.Length));
        }

        Assert.That(listed, Does.Contain((fileName, (long)content.Length)), "SFTP lists the file SCP uploaded, with its size");
        Assert.That(await _archive.ReadArchivedFileAsync(fileName), Is.EqualTo(content), "the host holds exactly what was sent");
    }

    private ConnectionInfo Connection(AuthenticationMethod login) =>
        new(_archive.SshEndpoint.Address.ToString(), _archive.SshEndpoint.Port, login.Username, login) { Timeout = TimeSpan.FromSeconds(10) };

    private PrivateKeyAuthenticationMethod KeyLogin(SshKeyPair key) =>
        new(_archive.Username, new PrivateKeyFile(new MemoryStream(Encoding.ASCII.GetBytes(key.PrivateKeyOpenSsh))));

    private void PinHostKeys(BaseClient client) =>
        client.HostKeyReceived += (_, e) => e.CanTrust = _hostKeys.Contains(e.FingerPrintSHA256);
}
