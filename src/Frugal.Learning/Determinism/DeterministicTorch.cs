using System.Runtime.InteropServices;
using Frugal.Core.Randomness;
using Frugal.Core.Results;
using TorchSharp;

namespace Frugal.Learning.Determinism;

/// <summary>What <see cref="DeterministicTorch.Configure"/> set, for the run's record.</summary>
/// <param name="Threads">libtorch's intra-op thread count; a different count may change the last bits of sums.</param>
/// <param name="DeterministicAlgorithms">Whether libtorch refuses operations that have no deterministic
/// implementation.</param>
/// <param name="GlobalSeed">The seed of libtorch's default generator (parameter initialisation, dropout).</param>
public sealed record TorchSettings(int Threads, bool DeterministicAlgorithms, ulong GlobalSeed)
{
    /// <summary>Records the settings as parameters of <paramref name="result"/>, so a rerun can use the same
    /// ones.</summary>
    public ExperimentResult RecordIn(ExperimentResult result) =>
        result.WithParameter("torch threads", Threads)
            .WithParameter("torch deterministic algorithms", DeterministicAlgorithms);
}

/// <summary>
/// Makes libtorch reproducible for a run: every generator is seeded from the run's <see cref="SeedTree"/>
/// (one named stream per use), deterministic algorithms are switched on, and the thread count is fixed
/// and recorded. With the same seed and thread count, training gives bit-identical parameters on the
/// same machine. libtorch's settings are process-wide: configure once per run, not per thread.
/// </summary>
public static partial class DeterministicTorch
{
    /// <summary>The stream that seeds libtorch's default generator.</summary>
    public const string GlobalStream = "torch";

    /// <summary>
    /// Fixes the intra-op thread count, turns deterministic algorithms on and seeds libtorch's default
    /// generator from <paramref name="seeds"/>' stream <see cref="GlobalStream"/>. Call it before building
    /// the model: parameter initialisation draws from the default generator.
    /// </summary>
    /// <param name="seeds">The run's (or the experiment's) seed node.</param>
    /// <param name="threads">libtorch's intra-op threads; 1 is the most reproducible across machines.</param>
    public static TorchSettings Configure(SeedTree seeds, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        torch.set_num_threads(threads);
        SetDeterministicAlgorithms(true);
        var seed = seeds.SeedOf(GlobalStream);
        torch.manual_seed(unchecked((long)seed));
        return new TorchSettings(torch.get_num_threads(), DeterministicAlgorithmsEnabled(), seed);
    }

    /// <summary>
    /// A generator of its own for one use (shuffling, sampling negatives, ...), seeded from the stream
    /// <paramref name="name"/> of <paramref name="seeds"/>: adding another use never shifts its numbers.
    /// </summary>
    public static torch.Generator Generator(SeedTree seeds, string name)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        return new torch.Generator(seeds.SeedOf(name));
    }

    /// <summary>Whether libtorch currently refuses operations without a deterministic implementation.</summary>
    public static bool DeterministicAlgorithmsEnabled()
    {
        EnsureLoaded();
        return DeterministicAlgorithms(GlobalContext()) != 0;
    }

    /// <summary>
    /// TorchSharp 0.107.0 declares torch.use_deterministic_algorithms but does not implement it (its
    /// native glue exports nothing for it), so the setting goes straight to libtorch's global context,
    /// at::globalContext().setDeterministicAlgorithms(bool, bool), through its C++ symbols.
    /// </summary>
    private static void SetDeterministicAlgorithms(bool enabled)
    {
        EnsureLoaded();
        SetDeterministicAlgorithms(GlobalContext(), enabled ? (byte)1 : (byte)0, warnOnly: 0);
    }

    // The first touch of torch loads libtorch the way TorchSharp does, so the imports below resolve
    // to the library already in the process.
    private static void EnsureLoaded() => torch.get_num_threads();

    private const string LibTorch = "libtorch_cpu";

    [LibraryImport(LibTorch, EntryPoint = "_ZN2at13globalContextEv")]
    private static partial IntPtr GlobalContext();

    // C++ bool is one byte; a member function takes `this` as its first argument (Itanium C++ ABI).
    [LibraryImport(LibTorch, EntryPoint = "_ZN2at7Context26setDeterministicAlgorithmsEbb")]
    private static partial void SetDeterministicAlgorithms(IntPtr context, byte enabled, byte warnOnly);

    [LibraryImport(LibTorch, EntryPoint = "_ZNK2at7Context23deterministicAlgorithmsEv")]
    private static partial byte DeterministicAlgorithms(IntPtr context);
}
