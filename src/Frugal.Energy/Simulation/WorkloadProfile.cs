using Frugal.Core.Catalogs;

namespace Frugal.Energy.Simulation;

/// <summary>
/// A model's cost on the simulated device, per batch of b: compute c1·b^α Mcycles on the GPU, memory traffic m_w +
/// m_a·b (in Mcycles of the memory clock), preprocessing p·b Mcycles on the CPU, and a fixed t0 seconds.
/// </summary>
/// <param name="Name">The profile's name.</param>
/// <param name="FixedSeconds">t0: launch and framework overhead per batch.</param>
/// <param name="ComputeMcycles">c1: GPU work of one query.</param>
/// <param name="BatchExponent">α: how GPU work grows with the batch (below 1: batching pays).</param>
/// <param name="WeightTraffic">m_w: memory work independent of the batch (weights).</param>
/// <param name="ActivationTraffic">m_a: memory work per query (activations).</param>
/// <param name="PreprocessMcycles">p: CPU work per query.</param>
public sealed record WorkloadProfile(
    string Name, double FixedSeconds, double ComputeMcycles, double BatchExponent, double WeightTraffic,
    double ActivationTraffic, double PreprocessMcycles)
{
    /// <summary>An EfficientNet-like vision model: compute-heavy, light on weights.</summary>
    public static WorkloadProfile Vision { get; } = new("vision", 1.5e-3, 9, 0.85, 4, 3, 3);

    /// <summary>A BERT-like language model: heavy on weight traffic, light preprocessing.</summary>
    public static WorkloadProfile Language { get; } = new("language", 2e-3, 6, 0.90, 40, 6, 1);

    /// <summary>The profiles by name.</summary>
    public static Catalog<WorkloadProfile> Catalog { get; } = new Catalog<WorkloadProfile>("profile")
        .Add("vision", Vision, "EfficientNet-like: compute-bound, t0 1.5 ms")
        .Add("language", Language, "BERT-like: memory-bound, t0 2 ms");
}
