using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading.Channels;

namespace Frugal.Recsys.Cluster;

/// <summary>A received frame: u32 length, u8 op, u32 request id, payload.</summary>
internal readonly record struct Frame(Op Op, int Request, byte[] Payload);

/// <summary>
/// One TCP connection carrying frames (§6.3), shaped in the sending direction: a frame is written once the link has
/// carried its bytes at the bandwidth and the latency has passed, by a pump thread of its own that sleeps until then
/// (<see cref="LinkClock"/>), so sending never blocks the caller and frames stay in order. Every receive has a
/// bounded wait; a closed or silent peer becomes a <see cref="RecsysNetworkException"/> naming it.
/// </summary>
internal sealed class FrameConnection : IAsyncDisposable
{
    private const int HeaderBytes = 9;
    private const int MaxFrameBytes = 1 << 30;

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private NetworkShape _shape;
    private readonly TimeSpan _timeout;
    private readonly Channel<(long DueTicks, byte[] Bytes)> _outgoing = Channel.CreateUnbounded<(long, byte[])>(
        new UnboundedChannelOptions { SingleReader = true });
    private readonly TaskCompletionSource _pumped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _sendLock = new();
    private double _linkFreeSeconds;
    private Exception? _sendFailure;

    private FrameConnection(Socket socket, NetworkShape shape, string peer, TimeSpan timeout)
    {
        socket.NoDelay = true;
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _shape = shape;
        _timeout = timeout;
        Peer = peer;
        new Thread(Pump) { IsBackground = true, Name = "frugal link pump" }.Start();
    }

    /// <summary>Who is at the other end, in words ("trainer 2", "the embedding server at 127.0.0.1:7000").</summary>
    public string Peer { get; set; }

    /// <summary>The shaper of frames sent from now on (a server learns it from the run's setup).</summary>
    public NetworkShape Shape
    {
        set
        {
            lock (_sendLock) _shape = value;
        }
    }

    /// <summary>Bytes handed to the network so far (frames with headers).</summary>
    public long BytesSent { get; private set; }

    /// <summary>Connects to <paramref name="endpoint"/>, retrying for up to <paramref name="timeout"/> while the peer
    /// is not listening yet; then one error naming it.</summary>
    public static async Task<FrameConnection> ConnectAsync(string endpoint, string peer, NetworkShape shape,
        TimeSpan timeout, CancellationToken cancellation)
    {
        var address = Parse(endpoint);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            try
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
                attempt.CancelAfter(TimeSpan.FromSeconds(2));
                await socket.ConnectAsync(address, attempt.Token);
                return new FrameConnection(socket, shape, peer, timeout);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException
                && !cancellation.IsCancellationRequested)
            {
                socket.Dispose();
                if (clock.Elapsed > timeout)
                    throw new RecsysNetworkException(
                        $"{peer} at {endpoint} is unreachable (no answer within {timeout.TotalSeconds:0.#} s)", e);
                await Task.Delay(100, cancellation);
            }
        }
    }

    /// <summary>Accepts one connection on <paramref name="listener"/> within <paramref name="timeout"/>; its receives
    /// wait up to <paramref name="receiveTimeout"/> (the same, when null).</summary>
    public static async Task<FrameConnection> AcceptAsync(TcpListener listener, string waitingFor, NetworkShape shape,
        TimeSpan timeout, CancellationToken cancellation, TimeSpan? receiveTimeout = null)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        wait.CancelAfter(timeout);
        try
        {
            var socket = await listener.AcceptSocketAsync(wait.Token);
            return new FrameConnection(socket, shape, waitingFor, receiveTimeout ?? timeout);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            throw new RecsysNetworkException(
                $"{waitingFor} did not connect to {listener.LocalEndpoint} within {timeout.TotalSeconds:0.#} s");
        }
    }

    /// <summary>"host:port" as an endpoint.</summary>
    public static IPEndPoint Parse(string endpoint)
    {
        var colon = endpoint.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(endpoint[(colon + 1)..], out var port) || port is < 1 or > 65535)
            throw new Frugal.Core.Errors.BadInputException($"'{endpoint}' is not host:port", "address");
        var host = endpoint[..colon];
        var address = host == "localhost" ? IPAddress.Loopback
            : IPAddress.TryParse(host, out var ip) ? ip
            : Dns.GetHostAddresses(host).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
                ?? throw new Frugal.Core.Errors.BadInputException($"host '{host}' has no IPv4 address", "address");
        return new IPEndPoint(address, port);
    }

    /// <summary>Queues a frame; it is written when the shaped link delivers it.</summary>
    public void Send(Op op, int request, byte[] payload)
    {
        var bytes = NewFrame(op, request, payload.Length);
        payload.CopyTo(bytes, HeaderBytes);
        Queue(bytes);
    }

    /// <summary>Queues a frame whose payload is <paramref name="values"/> as <see cref="PayloadWriter.Floats"/>
    /// writes them, built in place: the all-reduce sends many of these, and a writer would copy each twice more.
    /// </summary>
    public void SendFloats(Op op, int request, ReadOnlySpan<float> values)
    {
        var bytes = NewFrame(op, request, sizeof(int) + values.Length * sizeof(float));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(HeaderBytes), values.Length);
        MemoryMarshal.AsBytes(values).CopyTo(bytes.AsSpan(HeaderBytes + sizeof(int)));
        Queue(bytes);
    }

    private static byte[] NewFrame(Op op, int request, int payloadBytes)
    {
        var bytes = new byte[HeaderBytes + payloadBytes];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, payloadBytes);
        bytes[4] = (byte)op;
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(5), request);
        return bytes;
    }

    private void Queue(byte[] bytes)
    {
        lock (_sendLock)
        {
            if (_sendFailure is not null) throw Lost(_sendFailure);
            var now = Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
            _linkFreeSeconds = Math.Max(now, _linkFreeSeconds) + _shape.TransferSeconds(bytes.Length);
            var due = _linkFreeSeconds + _shape.LatencyMs / 1000;
            BytesSent += bytes.Length;
            _outgoing.Writer.TryWrite(((long)(due * Stopwatch.Frequency), bytes));
        }
    }

    /// <summary>The next frame, within the connection's timeout.</summary>
    public async Task<Frame> ReceiveAsync(CancellationToken cancellation)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        wait.CancelAfter(_timeout);
        try
        {
            var header = new byte[HeaderBytes];
            await _stream.ReadExactlyAsync(header, wait.Token);
            var length = BinaryPrimitives.ReadInt32LittleEndian(header);
            if (length is < 0 or > MaxFrameBytes) throw new RecsysNetworkException($"{Peer} sent a malformed frame");
            var payload = new byte[length];
            await _stream.ReadExactlyAsync(payload, wait.Token);
            return new Frame((Op)header[4], BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(5)), payload);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            throw new RecsysNetworkException($"no message from {Peer} within {_timeout.TotalSeconds:0.#} s");
        }
        catch (Exception e) when (e is EndOfStreamException or IOException and not RecsysNetworkException)
        {
            throw Lost(e);
        }
    }

    /// <summary>Waits until every queued frame has been written.</summary>
    public async Task DrainAsync()
    {
        _outgoing.Writer.TryComplete();
        await _pumped.Task;
        if (_sendFailure is not null) throw Lost(_sendFailure);
    }

    private RecsysNetworkException Lost(Exception e) => new($"{Peer} closed the connection", e);

    // A thread of its own, not a pool task: it sleeps until each frame is due, and blocking a pool thread for that
    // would starve the async work beside it.
    private void Pump()
    {
        try
        {
            var reader = _outgoing.Reader;
            while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                while (reader.TryRead(out var frame))
                {
                    LinkClock.SleepUntil(frame.DueTicks);
                    _stream.Write(frame.Bytes);
                }
            }
        }
        catch (Exception e)
        {
            lock (_sendLock) _sendFailure = e;
        }
        finally
        {
            _pumped.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _outgoing.Writer.TryComplete();
        try
        {
            await _pumped.Task.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            // A peer that stopped reading: the socket is closed below anyway.
        }
        await _stream.DisposeAsync();
    }
}
