namespace Frugal.Energy.FineTuning;

/// <summary>
/// One fine-tuning step to run beside inference, described by the features of design §4's predictor: the forward and
/// backward FLOPs of its 2D convolutions and the bytes they move (inputs, weights, outputs).
/// </summary>
/// <param name="ForwardGflop">Forward FLOPs, in GFLOP.</param>
/// <param name="BackwardGflop">Backward FLOPs, in GFLOP.</param>
/// <param name="Gigabytes">Bytes moved, in GB.</param>
/// <param name="Kernels">Kernels the step is split into (n_k): inference runs between them.</param>
public sealed record FineTuneRequest(double ForwardGflop, double BackwardGflop, double Gigabytes, int Kernels)
{
    /// <summary>FLOPs per byte moved.</summary>
    public double ArithmeticIntensity => (ForwardGflop + BackwardGflop) / Gigabytes;

    /// <summary>The predictor's features: intercept, forward and backward GFLOP, arithmetic intensity.</summary>
    public double[] Features => [1, ForwardGflop, BackwardGflop, ArithmeticIntensity];
}

/// <summary>
/// How fine-tuning time-shares the simulated GPU (design §7): a step takes t_ft = F / (θ·f_g), in n_k kernels of k_ft =
/// t_ft / n_k; a co-running inference batch sees L' = L·(1 + ρ) + U(0, 1)·k_ft.
/// </summary>
/// <param name="FlopsPerCycle">θ: FLOPs per GPU cycle.</param>
/// <param name="Slowdown">ρ: inference slowdown from sharing the GPU.</param>
public sealed record TimeSharing(double FlopsPerCycle = 1000, double Slowdown = 0.2)
{
    /// <summary>t_ft in seconds at GPU clock <paramref name="gpuMHz"/>.</summary>
    public double StepSeconds(FineTuneRequest request, double gpuMHz) =>
        (request.ForwardGflop + request.BackwardGflop) * 1e9 / (FlopsPerCycle * gpuMHz * 1e6);

    /// <summary>k_ft in seconds.</summary>
    public double KernelSeconds(FineTuneRequest request, double gpuMHz) => StepSeconds(request,
        gpuMHz) / request.Kernels;

    /// <summary>L' for an inference latency <paramref name="latencySeconds"/>; <paramref name="u"/> in [0,
    /// 1].</summary>
    public double CoRunLatency(double latencySeconds, FineTuneRequest request, double gpuMHz, double u) =>
        latencySeconds * (1 + Slowdown) + u * KernelSeconds(request, gpuMHz);
}
