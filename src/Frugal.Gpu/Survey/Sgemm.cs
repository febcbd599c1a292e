using ILGPU;
using ILGPU.Runtime;

namespace Frugal.Gpu.Survey;

/// <summary>
/// The survey's workload (design §3.2): C = A·B in fp32 for n×n row-major matrices, by a tiled shared-memory kernel
/// (32×32 tiles on a GPU; smaller where the accelerator's groups are smaller, as on the CPU accelerator). Inputs are
/// filled on the device from a seed, so an n = 25536 survey needs no host copy of its 2.4 GiB matrices.
/// </summary>
internal sealed class Sgemm : IDisposable
{
    /// <summary>The largest n: the kernel indexes with 32-bit integers, so n² must stay below 2^31.</summary>
    public const int MaxSize = 46340;

    /// <summary>The tile edge on a GPU (design §3.2).</summary>
    public const int GpuTile = 32;

    private readonly Accelerator _accelerator;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _a, _b, _c;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int> _multiply;
    private readonly KernelConfig _config;

    public Sgemm(Accelerator accelerator, int n, ulong seed)
    {
        _accelerator = accelerator;
        N = n;
        Tile = TileFor(accelerator.MaxNumThreadsPerGroup);
        var length = (long)n * n;
        _a = accelerator.Allocate1D<float>(length);
        _b = accelerator.Allocate1D<float>(length);
        _c = accelerator.Allocate1D<float>(length);
        var fill = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ulong>(Fill);
        fill((int)length, _a.View, seed);
        fill((int)length, _b.View, seed ^ 0x9E3779B97F4A7C15UL);
        _multiply = accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(
            Multiply);
        var groups = (n + Tile - 1) / Tile;
        _config = new KernelConfig(new Index2D(groups, groups), new Index2D(Tile, Tile),
            SharedMemoryConfig.RequestDynamic<float>(2 * Tile * Tile));
        accelerator.Synchronize();
    }

    /// <summary>The matrices' edge.</summary>
    public int N { get; }

    /// <summary>The tile edge the kernel runs with.</summary>
    public int Tile { get; }

    /// <summary>Floating-point operations of one product: 2n³.</summary>
    public double Flops => 2.0 * N * N * N;

    /// <summary>Bytes the three matrices take on the device: 3·4n².</summary>
    public static long BytesFor(int n) => 12L * n * n;

    /// <summary>The largest power-of-two tile edge up to 32 whose tile fits in one group.</summary>
    public static int TileFor(int maxThreadsPerGroup)
    {
        var tile = GpuTile;
        while (tile > 1 && tile * tile > maxThreadsPerGroup) tile /= 2;
        return tile;
    }

    /// <summary>Runs one product and waits for it; returns its wall time in milliseconds.</summary>
    public double RunTimed()
    {
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        _multiply(_config, _a.View, _b.View, _c.View, N, Tile);
        _accelerator.Synchronize();
        return System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    /// <summary>A, B and C copied to the host (for checking small products).</summary>
    public (float[] A, float[] B, float[] C) Download() => (_a.GetAsArray1D(), _b.GetAsArray1D(), _c.GetAsArray1D());

    /// <summary>
    /// One thread per element of C. Each group walks the tiles of its row band of A and column band of B, staging
    /// both in shared memory (first tile² floats: A's tile, next tile²: B's), so every input is read from device
    /// memory n/tile times instead of n times.
    /// </summary>
    private static void Multiply(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, int n, int tile)
    {
        var shared = SharedMemory.GetDynamic<float>();
        int tx = Group.IdxX, ty = Group.IdxY;
        var row = Grid.IdxY * tile + ty;
        var col = Grid.IdxX * tile + tx;
        var sum = 0f;
        for (var t = 0; t < n; t += tile)
        {
            shared[ty * tile + tx] = row < n && t + tx < n ? a[row * n + t + tx] : 0f;
            shared[tile * tile + ty * tile + tx] = col < n && t + ty < n ? b[(t + ty) * n + col] : 0f;
            Group.Barrier();
            for (var k = 0; k < tile; k++)
                sum += shared[ty * tile + k] * shared[tile * tile + k * tile + tx];
            Group.Barrier();
        }
        if (row < n && col < n) c[row * n + col] = sum;
    }

    /// <summary>Element i = a value in [−1, 1) from a SplitMix64 hash of (seed, i): the same inputs on every device.
    /// </summary>
    private static void Fill(Index1D i, ArrayView<float> target, ulong seed)
    {
        var z = seed + (ulong)(i.X + 1) * 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        target[i] = (z >> 40) / (float)(1 << 23) - 1f;
    }

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
        _c.Dispose();
    }
}
