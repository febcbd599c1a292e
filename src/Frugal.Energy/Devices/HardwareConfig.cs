using System.Globalization;

namespace Frugal.Energy.Devices;

/// <summary>One setting of the four PolyThrottle knobs: clock frequencies in MHz and the inference batch
/// size.</summary>
/// <param name="GpuMHz">GPU core clock.</param>
/// <param name="MemoryMHz">Memory (EMC) clock.</param>
/// <param name="CpuMHz">CPU clock (preprocessing).</param>
/// <param name="Batch">Queries per inference batch.</param>
public readonly record struct HardwareConfig(double GpuMHz, double MemoryMHz, double CpuMHz, int Batch)
{
    /// <summary>A short form for tables: <c>gpu/mem/cpu MHz, b</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"gpu {GpuMHz:0.###} / mem {MemoryMHz:0.###} / cpu {CpuMHz:0.###} MHz, b {Batch}");
}

/// <summary>
/// The values each knob can take on a device. Tuning searches the product of these lists: PolyThrottle's phase 1 walks
/// <see cref="CpuMHz"/>, phase 2 the product of the other three.
/// </summary>
public sealed record KnobGrid(
    string Name, IReadOnlyList<double> GpuMHz, IReadOnlyList<double> MemoryMHz, IReadOnlyList<double> CpuMHz,
    IReadOnlyList<int> Batches)
{
    /// <summary>Points of the whole four-knob grid.</summary>
    public int Size => GpuMHz.Count * MemoryMHz.Count * CpuMHz.Count * Batches.Count;

    /// <summary>Points of phase 2's grid (GPU, memory, batch) at one CPU clock.</summary>
    public int PhaseTwoSize => GpuMHz.Count * MemoryMHz.Count * Batches.Count;

    /// <summary>Every clock at its highest, with batch size <paramref name="batch"/>: the usual default.</summary>
    public HardwareConfig MaxClocks(int batch) => new(GpuMHz[^1], MemoryMHz[^1], CpuMHz[^1], batch);

    /// <summary>Phase 2's grid at CPU clock <paramref name="cpuMHz"/>, GPU clock varying slowest.</summary>
    public IReadOnlyList<HardwareConfig> PhaseTwo(double cpuMHz) =>
        [.. from g in GpuMHz from m in MemoryMHz from b in Batches select new HardwareConfig(g, m, cpuMHz, b)];

    /// <summary>The whole grid.</summary>
    public IReadOnlyList<HardwareConfig> All() => [.. CpuMHz.SelectMany(PhaseTwo)];
}
