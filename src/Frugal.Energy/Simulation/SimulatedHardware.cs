using Frugal.Core.Catalogs;
using Frugal.Energy.Devices;

namespace Frugal.Energy.Simulation;

/// <summary>A simulated board: its knob grid, the power of its three clocked components and its base power.</summary>
public sealed record SimulatedHardware(
    KnobGrid Grid, ComponentPower Gpu, ComponentPower Memory, ComponentPower Cpu, double BaseWatts)
{
    private static readonly int[] Batches = [1, 2, 4, 8, 16];

    // Design §7's component table (Orin-like ranges); the tx2-like board keeps every figure but its clock ranges.
    private static readonly ComponentPower GpuPower = new(306, 1300.5, 0.60, 1.00, 0.35, 22, 1.5, 0.25);
    private static readonly ComponentPower MemoryPower = new(204, 3199, 0.60, 0.90, 0.30, 5, 0.8, 0.40);
    private static readonly ComponentPower CpuPower = new(730, 2200, 0.60, 1.00, 0.30, 6, 1.0, 0.20);

    /// <summary>
    /// The synthetic AGX-Orin-like board: 13 GPU × 4 memory × 7 CPU clocks × 5 batch sizes = 1,820 points.
    /// </summary>
    public static SimulatedHardware OrinLike { get; } = new(
        new KnobGrid("orin-like",
            [.. Enumerable.Range(0, 13).Select(i => 306 + 82.875 * i)],
            [204, 665.6, 2133, 3199],
            [.. Enumerable.Range(0, 7).Select(j => 730 + 245.0 * j)],
            Batches),
        GpuPower, MemoryPower, CpuPower, BaseWatts: 4);

    /// <summary>
    /// The synthetic TX2-like board: 13 GPU × 11 memory × 7 CPU clocks × 5 batch sizes = 5,005 points, on the TX2's
    /// clock tables; the component figures are the Orin-like ones over these ranges (the design fixes only sizes).
    /// </summary>
    public static SimulatedHardware Tx2Like { get; } = Over(new KnobGrid("tx2-like",
        [.. Enumerable.Range(0, 13).Select(i => 114.75 + 98.8125 * i)],
        [40.8, 68, 102, 204, 408, 665.6, 800, 1062.4, 1331.2, 1600, 1866],
        [.. Enumerable.Range(0, 7).Select(j => 345.6 + 281.6 * j)],
        Batches));

    /// <summary>The boards by grid name.</summary>
    public static Catalog<SimulatedHardware> Catalog { get; } = new Catalog<SimulatedHardware>("grid")
        .Add("orin-like", OrinLike, "synthetic AGX Orin: 13 GPU × 4 memory × 7 CPU clocks × 5 batch sizes (1,820)")
        .Add("tx2-like", Tx2Like, "synthetic TX2: 13 GPU × 11 memory × 7 CPU clocks × 5 batch sizes (5,005)");

    private static SimulatedHardware Over(KnobGrid grid) =>
        new(grid, GpuPower.Over(grid.GpuMHz), MemoryPower.Over(grid.MemoryMHz), CpuPower.Over(grid.CpuMHz), 4);
}
