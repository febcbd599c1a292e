using System.Globalization;
using Frugal.Core.Errors;

namespace Frugal.Gpu.Survey;

/// <summary>Which accelerator a survey runs its kernel on.</summary>
public enum AcceleratorKind
{
    /// <summary>NVIDIA GPUs through CUDA, with NVML's sensors.</summary>
    Cuda,

    /// <summary>ILGPU's CPU accelerator: the same protocol where there is no GPU, with every sensor absent.</summary>
    Cpu,
}

/// <summary>
/// What one survey does on every device (design §3.3): an n×n SGEMM, one warm-up then <see cref="Kernels"/> timed
/// products, sensors sampled every <see cref="SampleMs"/> milliseconds.
/// </summary>
/// <param name="Size">n; null for the default of the accelerator, shrunk to fit half the free memory.</param>
/// <param name="Kernels">K timed products; the first and the last are left out of the statistics.</param>
/// <param name="SampleMs">The sensor sampling period.</param>
/// <param name="Seed">The seed of the input matrices.</param>
/// <param name="Cluster">The label the records carry in their <c>cluster</c> column.</param>
public sealed record SurveyPlan(int? Size = null, int Kernels = 100, int SampleMs = 1000, ulong Seed = 42,
    string Cluster = "local")
{
    /// <summary>The study's n (hal-uw/gpu_variability_sc22_artifact:sec4bc_sgemm_nvidia): 7.3 GiB for A, B, C.
    /// </summary>
    public const int GpuDefaultSize = 25536;

    /// <summary>
    /// The CPU accelerator's default n: it emulates a GPU's thread groups with OS threads and barriers, so n = 64
    /// already takes seconds per kernel on a busy 2-core machine.
    /// </summary>
    public const int CpuDefaultSize = 32;

    /// <summary>The shortest sampling period: NVML's power reading itself averages over about 100 ms.</summary>
    public const int MinSampleMs = 100;

    /// <summary>Checks the plan.</summary>
    /// <exception cref="BadInputException">A value out of range, naming its setting.</exception>
    public SurveyPlan Validated()
    {
        if (Size is { } n && (n < 1 || n > Sgemm.MaxSize))
            throw new BadInputException(Invariant($"the matrix size is {n}; it must be from 1 to {Sgemm.MaxSize}"),
                "size");
        if (Kernels < 3)
            throw new BadInputException(Invariant(
                $"{Kernels} timed kernels are too few: the first and the last are left out, so at least 3"), "kernels");
        if (SampleMs < MinSampleMs)
            throw new BadInputException(Invariant(
                $"the sampling period is {SampleMs} ms; NVML's readings need at least {MinSampleMs} ms"), "sample-ms");
        if (string.IsNullOrWhiteSpace(Cluster) || Cluster.Contains(','))
            throw new BadInputException($"the cluster label '{Cluster}' is empty or holds a comma", "cluster");
        return this;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The matrix size a device can hold (design §3.3 step 2: 3·4n² ≤ 50% of free memory).</summary>
public static class SurveySize
{
    /// <summary>The largest n whose three matrices take at most half of <paramref name="freeBytes"/>.</summary>
    public static int Largest(long freeBytes) =>
        (int)Math.Min(Sgemm.MaxSize, Math.Floor(Math.Sqrt(freeBytes / 2.0 / 12.0)));

    /// <summary>
    /// The size to run: the one asked for if it fits, else a bad-input error naming the largest that would; without
    /// one, <paramref name="defaultSize"/> shrunk to fit.
    /// </summary>
    /// <exception cref="BadInputException">The size asked for does not fit (setting <c>size</c>).</exception>
    public static int Choose(int? requested, int defaultSize, long freeBytes)
    {
        var largest = Largest(freeBytes);
        if (largest < 1)
            throw new BadInputException(string.Create(CultureInfo.InvariantCulture,
                $"the device has {Gib(freeBytes)} free, too little for any survey"), "size");
        if (requested is not { } n) return Math.Min(defaultSize, largest);
        if (n > largest)
            throw new BadInputException(string.Create(CultureInfo.InvariantCulture,
                $"size {n} needs {Gib(Sgemm.BytesFor(n))} for A, B and C, more than half of the device's " +
                $"{Gib(freeBytes)} free; the largest size that fits is {largest}"), "size");
        return n;
    }

    private static string Gib(long bytes) =>
        (bytes / (double)(1L << 30)).ToString("0.0", CultureInfo.InvariantCulture) +
                                             " GiB";
}
