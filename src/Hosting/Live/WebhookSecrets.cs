using System.Security.Cryptography;
using System.Text;
using GridGov.Hosting.Security;

namespace GridGov.Hosting.Live;

/// <summary>
/// Webhook signing secrets: made at registration, shown once, stored sealed with AES-GCM under a key derived from the
/// cluster secret (every process of a cluster derives the same key; the database alone reveals nothing), and used to
/// sign each delivery.
/// </summary>
public sealed class WebhookSecrets
{
    private const string Prefix = "whsec_";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly byte[] _key;

    public WebhookSecrets(AuthSettings auth)
        : this(auth.ClusterSecret)
    {
    }

    internal WebhookSecrets(byte[] clusterSecret) => _key = HMACSHA256.HashData(clusterSecret, "gridgov webhook secrets"u8);

    /// <summary>A new secret: <c>whsec_</c> and 256 random bits, base64url.</summary>
    public static string New() => Prefix + AuthSettings.Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>Seals a secret for the webhook <paramref name="webhookId"/> (bound to it: a sealed secret moved to another row does not open).</summary>
    public string Seal(string webhookId, string secret)
    {
        var plain = Encoding.UTF8.GetBytes(secret);
        var sealedBytes = new byte[NonceSize + TagSize + plain.Length];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize), Encoding.UTF8.GetBytes(webhookId));
        return Convert.ToBase64String(sealedBytes);
    }

    public string Open(string webhookId, string sealedSecret)
    {
        var sealedBytes = Convert.FromBase64String(sealedSecret);
        var plain = new byte[sealedBytes.Length - NonceSize - TagSize];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(
            sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize), plain,
            Encoding.UTF8.GetBytes(webhookId));
        return Encoding.UTF8.GetString(plain);
    }

    /// <summary>
    /// The <c>GridGov-Signature</c> header of a body sent at <paramref name="at"/>:
    /// <c>t={unix seconds},v1={hex HMAC-SHA256(secret, t + "." + body)}</c>, the secret's UTF-8 bytes as the key.
    /// </summary>
    public static string Signature(string secret, DateTimeOffset at, ReadOnlySpan<byte> body)
    {
        var t = at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var prefix = Encoding.UTF8.GetBytes(t + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return $"t={t},v1={Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed))}";
    }
}
