using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Cryptshare.Topology.Fixtures.Archive;

namespace Cryptshare.Topology.Tests.Unit.Archive;

/// <summary>
/// The key pair is written as OpenSSH's PROTOCOL.key describes it (checked here field by field;
/// SSH.NET and OpenSSH reading it is checked against the archive host in the integration tests).
/// </summary>
[TestFixture]
public sealed class SshKeyPairTests
{
    [Test]
    public void EcdsaPrivateKeyIsOpenSshKeyV1WithTheSamePublicKey()
    {
        var key = SshKeyPair.CreateEcdsa("probe@client");
        var reader = OpenPrivateKey(key.PrivateKeyOpenSsh);
        var publicBlob = reader.ReadString();
        var privateSection = new Reader(reader.ReadString());
        Assert.That(reader.AtEnd, Is.True);

        var line = key.AuthorizedKeysLine.Split(' ');
        Assert.That(line, Has.Length.EqualTo(3));
        Assert.That(line[0], Is.EqualTo("ecdsa-sha2-nistp256"));
        Assert.That(line[2], Is.EqualTo("probe@client"));
        Assert.That(Convert.FromBase64String(line[1]), Is.EqualTo(publicBlob));

        var check = privateSection.ReadUInt32();
        Assert.That(privateSection.ReadUInt32(), Is.EqualTo(check), "the two check words match");
        Assert.That(privateSection.ReadText(), Is.EqualTo("ecdsa-sha2-nistp256"));
        Assert.That(privateSection.ReadText(), Is.EqualTo("nistp256"));
        var point = privateSection.ReadString();
        var d = privateSection.ReadString();
        Assert.That(privateSection.ReadText(), Is.EqualTo("probe@client"));
        AssertPadding(privateSection);

        // The private scalar belongs to the public point: signing with one verifies with the other.
        using var signer = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            D = FixedLength(d, 32),
            Q = new ECPoint { X = point[1..33], Y = point[33..] },
        });
        var data = "archive"u8.ToArray();
        using var verifier = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = point[1..33], Y = point[33..] } });
        Assert.That(verifier.VerifyData(data, signer.SignData(data, HashAlgorithmName.SHA256), HashAlgorithmName.SHA256), Is.True);
    }

    [Test]
    public void RsaPrivateKeyHoldsAWorkingKey()
    {
        var key = SshKeyPair.CreateRsa(2048);
        var reader = OpenPrivateKey(key.PrivateKeyOpenSsh);
        reader.ReadString();
        var section = new Reader(reader.ReadString());
        section.ReadUInt32();
        section.ReadUInt32();
        Assert.That(section.ReadText(), Is.EqualTo("ssh-rsa"));
        var n = section.ReadString();
        var e = section.ReadString();
        var d = section.ReadString();
        var iqmp = section.ReadString();
        var p = section.ReadString();
        var q = section.ReadString();
        section.ReadText();
        AssertPadding(section);
        Assert.That(n[0], Is.Zero, "the modulus has its top bit set, so its mpint starts with a zero byte");

        using var rsa = RSA.Create();
        rsa.ImportParameters(new RSAParameters
        {
            Modulus = n[1..], Exponent = e, D = FixedLength(d, 256), P = FixedLength(p, 128), Q = FixedLength(q, 128),
            InverseQ = FixedLength(iqmp, 128),
            DP = FixedLength(ModPow(d, p), 128), DQ = FixedLength(ModPow(d, q), 128),
        });
        var data = "archive"u8.ToArray();
        var signature = rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        Assert.That(rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), Is.True);
    }

    [Test]
    public void FingerprintIsSha256OfThePublicBlobAsSshKeygenPrintsIt()
    {
        var key = SshKeyPair.CreateEcdsa();
        var blob = Convert.FromBase64String(key.AuthorizedKeysLine.Split(' ')[1]);
        Assert.That(key.FingerprintSha256, Is.EqualTo("SHA256:" + Convert.ToBase64String(SHA256.HashData(blob)).TrimEnd('=')));
    }

    [Test]
    public void DescribesItselfWithoutTheSecret()
    {
        var key = SshKeyPair.CreateEcdsa();
        Assert.That(key.ToString(), Is.EqualTo($"ecdsa-sha2-nistp256 {key.FingerprintSha256}"));
    }

    [Test]
    public void RefusesShortRsaAndMultiLineComments()
    {
        Assert.That(() => SshKeyPair.CreateRsa(1024), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => SshKeyPair.CreateEcdsa("a\nb"), Throws.ArgumentException);
    }

    private static Reader OpenPrivateKey(string pem)
    {
        Assert.That(pem, Does.StartWith("-----BEGIN OPENSSH PRIVATE KEY-----\n").And.EndWith("-----END OPENSSH PRIVATE KEY-----\n"));
        var lines = pem.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1..^1];
        Assert.That(lines.Select(l => l.Length), Has.All.LessThanOrEqualTo(70));
        var reader = new Reader(Convert.FromBase64String(string.Concat(lines)));
        Assert.That(Encoding.ASCII.GetString(reader.ReadRaw(15)), Is.EqualTo("openssh-key-v1\0"));
        Assert.That(reader.ReadText(), Is.EqualTo("none"), "cipher");
        Assert.That(reader.ReadText(), Is.EqualTo("none"), "kdf");
        Assert.That(reader.ReadString(), Is.Empty, "kdf options");
        Assert.That(reader.ReadUInt32(), Is.EqualTo(1u), "number of keys");
        return reader;
    }

    private static void AssertPadding(Reader section)
    {
        var padding = section.ReadRest();
        Assert.That(padding, Is.EqualTo(Enumerable.Range(1, padding.Length).Select(i => (byte)i).ToArray()));
        Assert.That(padding.Length, Is.LessThan(8));
    }

    private static byte[] FixedLength(byte[] mpint, int length)
    {
        var trimmed = mpint.AsSpan().TrimStart((byte)0);
        var result = new byte[length];
        trimmed.CopyTo(result.AsSpan(length - trimmed.Length));
        return result;
    }

    /// <summary>d mod (prime − 1), the CRT exponent .NET wants and openssh-key-v1 leaves out.</summary>
    private static byte[] ModPow(byte[] d, byte[] prime)
    {
        var modulus = new System.Numerics.BigInteger(prime, isUnsigned: true, isBigEndian: true) - 1;
        var value = new System.Numerics.BigInteger(d, isUnsigned: true, isBigEndian: true) % modulus;
        return value.ToByteArray(isUnsigned: true, isBigEndian: true);
    }

    private sealed class Reader(byte[] data)
    {
        private int _position;

        public bool AtEnd => _position == data.Length;

        public byte[] ReadRaw(int count)
        {
            var bytes = data[_position..(_position + count)];
            _position += count;
            return bytes;
        }

        public uint ReadUInt32() => BinaryPrimitives.ReadUInt32BigEndian(ReadRaw(4));

        public byte[] ReadString() => ReadRaw((int)ReadUInt32());

        public string ReadText() => Encoding.UTF8.GetString(ReadString());

        public byte[] ReadRest() => ReadRaw(data.Length - _position);
    }
}
