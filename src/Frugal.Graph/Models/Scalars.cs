using TorchSharp;

namespace Frugal.Graph.Models;

/// <summary>
/// Scalars the models pass to libtorch, held for the life of the process. A number given where TorchSharp expects a
/// <see cref="Scalar"/> (an operator's implicit alpha of 1, <c>t + 1</c>) becomes a native object that nothing
/// references once its handle is taken, so a collection on another thread (the batch builder allocates while the
/// trainer computes) may finalise it during the native call that reads it: seen as "Unknown scalar type" in add
/// (TorchSharp pull requests 1434 and 1496). Every Scalar on the training path is therefore one of these, or a
/// field of an object alive for the run.
/// </summary>
internal static class Scalars
{
    /// <summary>1.</summary>
    public static readonly Scalar One = 1.ToScalar();

    /// <summary>2.</summary>
    public static readonly Scalar Two = 2.ToScalar();

    /// <summary>3.</summary>
    public static readonly Scalar Three = 3.ToScalar();
}
