// libtorch's thread count and default generator are process-wide: tests run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Frugal.Compression.Tests;

/// <summary>One libtorch thread for every test: a busy machine's cores are shared, and one thread is
/// reproducible.</summary>
internal static class OneThread
{
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void Set() => TorchSharp.torch.set_num_threads(1);
}
