using System.Net;
using System.Net.Sockets;

namespace Cryptshare.Topology.Tests.Unit.Probing;

/// <summary>
/// A one-connection server on 127.0.0.1 and a free port, for the probe tests: the only address
/// unit tests ever contact. The handler's outcome (what the server saw) is awaited by the test.
/// </summary>
internal sealed class LoopbackServer<T> : IDisposable
{
    private readonly TcpListener _listener;

    public LoopbackServer(Func<NetworkStream, Task<T>> handle)
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Seen = ServeAsync(handle);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>What the handler returned for the one connection it served.</summary>
    public Task<T> Seen { get; }

    public void Dispose() => _listener.Stop();

    private async Task<T> ServeAsync(Func<NetworkStream, Task<T>> handle)
    {
        using var client = await _listener.AcceptTcpClientAsync();
        await using var stream = client.GetStream();
        return await handle(stream);
    }
}

/// <summary>Ports that nothing listens on: bound for a moment and released, so the kernel answers a SYN with RST.</summary>
internal static class ClosedPort
{
    public static int Find()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
