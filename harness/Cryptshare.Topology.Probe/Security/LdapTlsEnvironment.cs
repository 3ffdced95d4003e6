using System.Runtime.InteropServices;

namespace Cryptshare.Topology.Probe.Security;

/// <summary>
/// libldap (under System.DirectoryServices.Protocols on Linux) takes its TLS trust from its own
/// options, not from .NET: LDAPTLS_CACERT names the CA file, read once when libldap first
/// initialises. .NET's Environment.SetEnvironmentVariable does not reach native code on Unix, so the
/// variables are set with libc's setenv, before any LDAP call of the process.
/// </summary>
internal static partial class LdapTlsEnvironment
{
    private static string? _caFile;

    /// <summary>
    /// Writes the batch's CA where libldap reads it, and demands a valid certificate. The variables
    /// are set once per process; a later batch (an agent serving many, <c>--serve</c>) writes the
    /// file again at the same path, since <see cref="CleanUp"/> removed it after the previous batch.
    /// </summary>
    public static void Prepare(string caPem)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        if (_caFile is not null)
        {
            File.WriteAllText(_caFile, caPem);
            return;
        }

        var path = Path.Combine(Path.GetTempPath(), $"ctt-probe-ca-{Environment.ProcessId}.pem");
        File.WriteAllText(path, caPem);
        SetNative("LDAPTLS_CACERT", path);
        SetNative("LDAPTLS_REQCERT", "demand");
        _caFile = path;
    }

    /// <summary>
    /// Site mode without a CA bundle: libldap checks against its own default trust (on Debian the
    /// system's bundle, as ldap.conf names it), demanding a valid certificate; with
    /// <paramref name="checkCertificates"/> false (<c>--insecure-tls</c>) it checks nothing.
    /// </summary>
    public static void PrepareWithoutBundle(bool checkCertificates)
    {
        if (OperatingSystem.IsLinux())
        {
            SetNative("LDAPTLS_REQCERT", checkCertificates ? "demand" : "never");
        }
    }

    /// <summary>Removes the CA file again at the end of the batch.</summary>
    public static void CleanUp()
    {
        if (_caFile is not null)
        {
            File.Delete(_caFile);
        }
    }

    private static void SetNative(string name, string value)
    {
        if (SetEnv(name, value, 1) != 0)
        {
            throw new InvalidOperationException($"setenv {name} failed: errno {Marshal.GetLastPInvokeError()}");
        }

        Environment.SetEnvironmentVariable(name, value);
    }

    [LibraryImport("libc.so.6", EntryPoint = "setenv", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
