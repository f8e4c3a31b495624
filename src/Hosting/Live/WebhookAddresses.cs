using System.Net;
using System.Net.Sockets;

namespace GridGov.Hosting.Live;

/// <summary>Resolves a webhook's host name to its addresses; tests put in their own to play DNS rebinding.</summary>
public interface IWebhookAddressResolver
{
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken);
}

/// <summary>The system's resolver (DNS, hosts file).</summary>
public sealed class DnsWebhookAddressResolver : IWebhookAddressResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) => Dns.GetHostAddressesAsync(host, cancellationToken);
}

/// <summary>A delivery refused because its host led only to addresses inside (docs/live.md, "Delivery-time address check").</summary>
public sealed class WebhookAddressRefusedException(string message) : Exception(message);

/// <summary>
/// Which addresses a webhook may reach: none of this machine, of a private or shared network, link-local, unique-local,
/// unspecified, multicast, broadcast or reserved; an IPv4-mapped (or NAT64) IPv6 address counts as the IPv4 address it
/// carries. Registration checks a literal address with these rules; delivery checks every address it connects to.
/// </summary>
public static class WebhookAddresses
{
    public static bool IsInternal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)
            || address.Equals(IPAddress.IPv6None) || address.Equals(IPAddress.Broadcast))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var v6 = address.GetAddressBytes();
            // 64:ff9b::/96 (NAT64) carries an IPv4 address in its last four bytes.
            if (v6[0] == 0 && v6[1] == 0x64 && v6[2] == 0xff && v6[3] == 0x9b && v6.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0)
            {
                return IsInternal(new IPAddress(v6.AsSpan(12, 4)));
            }

            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast;
        }

        var b = address.GetAddressBytes();
        return b[0] is 0 or 10 or 127 || b[0] >= 224 // this network, private, loopback, multicast and reserved (224/3)
            || (b[0] == 172 && b[1] is >= 16 and <= 31) || (b[0] == 192 && b[1] == 168) || (b[0] == 169 && b[1] == 254)
            || (b[0] == 100 && b[1] is >= 64 and <= 127); // shared address space (CGNAT), often a cluster's own
    }

    /// <summary>
    /// Opens the connection of a delivery: resolves the host itself, keeps the addresses that are not internal (all of
    /// them when <paramref name="allowInternal"/>, the tests' and local development's setting), and connects to the
    /// first that answers, so the address checked is the address connected to.
    /// </summary>
    public static async ValueTask<Stream> ConnectAsync(
        IWebhookAddressResolver resolver, bool allowInternal, DnsEndPoint endPoint, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(endPoint.Host, out var literal) ? [literal] : await resolver.ResolveAsync(endPoint.Host, cancellationToken);
        var allowed = allowInternal ? addresses : addresses.Where(a => !IsInternal(a)).ToArray();
        if (allowed.Length == 0)
        {
            throw new WebhookAddressRefusedException(addresses.Length == 0
                ? $"Refused: {endPoint.Host} resolves to no address."
                : $"Refused: {endPoint.Host} resolves only to addresses inside ({string.Join(", ", addresses.Select(a => a.ToString()))}), which webhooks may not reach.");
        }

        Exception? last = null;
        foreach (var address in allowed)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(address, endPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last!;
    }
}
