namespace Frugal.Recsys.Cluster;

/// <summary>
/// A node of a training run could not reach a peer, lost it, or was told by the oracle that another node failed. The
/// message names the node at fault (e.g. "trainer 2 at 127.0.0.1:7003 closed its connection"). It is an
/// <see cref="IOException"/>: the network failed, not the user's syntax.
/// </summary>
public sealed class RecsysNetworkException : IOException
{
    /// <summary>A failure described by <paramref name="message"/>.</summary>
    public RecsysNetworkException(string message, Exception? inner = null) : base(message, inner) { }
}
