namespace Frugal.Gpu.Survey;

/// <summary>
/// <c>frugal gpu survey</c>'s library side: the §3.3 protocol on every chosen device at once (each device runs its
/// own kernels, as the study's single-GPU jobs do), one record per device.
/// </summary>
public static class GpuSurvey
{
    /// <summary>Runs <paramref name="plan"/> on the devices of <paramref name="kind"/>.</summary>
    /// <param name="kind">The accelerator.</param>
    /// <param name="devices">Device indices (CUDA's order); null for every device.</param>
    /// <param name="plan">What to run.</param>
    /// <param name="progress">Called from the devices' threads as kernels finish.</param>
    /// <param name="cancellation">Stops between kernels.</param>
    /// <param name="nvmlLibrary">NVML's library (a name or a path); null for the system's.</param>
    /// <returns>One record per device, in device order.</returns>
    /// <exception cref="Nvml.GpuUnavailableException">No GPU, no NVML, or no device with an index asked for.
    /// </exception>
    /// <exception cref="Core.Errors.BadInputException">A plan value out of range, or a size that does not fit a
    /// device's free memory (the message names the largest that would).</exception>
    public static IReadOnlyList<SurveyRecord> Run(AcceleratorKind kind, IReadOnlyList<int>? devices, SurveyPlan plan,
        Action<SurveyProgress> progress, CancellationToken cancellation = default, string? nvmlLibrary = null)
    {
        plan = plan.Validated();
        using var opened = SurveyDevices.Open(kind, devices, nvmlLibrary ?? Nvml.NvmlReadOnly.DefaultLibrary);
        var runs = opened.Targets
            .Select(t => Task.Run(() => SurveyProtocol.Run(t, plan, progress, cancellation), cancellation))
            .ToArray();
        return Task.WhenAll(runs).GetAwaiter().GetResult();
    }
}
