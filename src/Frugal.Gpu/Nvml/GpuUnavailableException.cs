using Frugal.Core.Errors;

namespace Frugal.Gpu.Nvml;

/// <summary>
/// No GPU to survey: no NVIDIA driver (NVML), no CUDA device, or none with the index asked for. A bad-input error
/// naming the accelerator setting, because the CPU accelerator runs the same protocol where there is no GPU.
/// </summary>
public sealed class GpuUnavailableException(string why)
    : BadInputException($"no GPU to survey: {why}; the CPU accelerator runs the same protocol", AcceleratorSetting)
{
    /// <summary>The setting that chose the accelerator.</summary>
    public const string AcceleratorSetting = "accelerator";
}
