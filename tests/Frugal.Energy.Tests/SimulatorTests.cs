using Frugal.Energy.Devices;
using Frugal.Energy.Search;
using Frugal.Energy.Simulation;

namespace Frugal.Energy.Tests;

public sealed class SimulatorTests
{
    private static readonly SimulatedHardware Orin = SimulatedHardware.OrinLike;

    [Fact]
    public void GridSizesAreTheDesigns()
    {
        Assert.Equal(1820, Orin.Grid.Size);
        Assert.Equal(260, Orin.Grid.PhaseTwoSize);
        Assert.Equal(1820, Orin.Grid.All().Distinct().Count());
        Assert.Equal(5005, SimulatedHardware.Tx2Like.Grid.Size);
        Assert.Equal(1300.5, Orin.Grid.GpuMHz[^1], 9);
    }

    [Fact]
    public void MaxClocksMatchTheDesignsAnchors()
    {
        var one = PerformanceModel.Evaluate(Orin, WorkloadProfile.Vision, Orin.Grid.MaxClocks(1));
        Assert.Equal(12.0, one.LatencySeconds * 1e3, 1);
        Assert.Equal(28.0, one.PowerW, 1);
        var sixteen = PerformanceModel.Evaluate(Orin, WorkloadProfile.Vision, Orin.Grid.MaxClocks(16));
        Assert.Equal(112.6, sixteen.LatencySeconds * 1e3, 1);
        Assert.Equal(31.0, sixteen.PowerW, 1);
    }

    [Theory]
    [InlineData("vision")]
    [InlineData("language")]
    public void LatencyFallsAndPowerRisesWithEveryClock(string name)
    {
        var profile = WorkloadProfile.Catalog.Get(name);
        foreach (var hardware in new[] { Orin, SimulatedHardware.Tx2Like })
        {
            var grid = hardware.Grid;
            foreach (var c in grid.All())
            {
                var p = PerformanceModel.Evaluate(hardware, profile, c);
                foreach (var up in Raised(grid, c))
                {
                    var q = PerformanceModel.Evaluate(hardware, profile, up);
                    Assert.True(q.LatencySeconds <= p.LatencySeconds + 1e-15, $"{up} slower than {c}");
                    Assert.True(q.PowerW >= p.PowerW - 1e-12, $"{up} draws less than {c}");
                }
            }
        }
    }

    [Theory]
    [InlineData("vision")]
    [InlineData("language")]
    public void EnergyHasAnInteriorMinimumInGpuClock(string name)
    {
        var profile = WorkloadProfile.Catalog.Get(name);
        var grid = Orin.Grid;
        foreach (var m in grid.MemoryMHz)
            foreach (var c in grid.CpuMHz)
                foreach (var b in grid.Batches)
                {
                    var energies = grid.GpuMHz.Select(g =>
                        PerformanceModel.Evaluate(Orin, profile, new HardwareConfig(g, m, c, b)).EnergyPerQueryJ)
                        .ToArray();
                    var argmin = Array.IndexOf(energies, energies.Min());
                    Assert.InRange(argmin, 1, 6);
                }
    }

    [Theory]
    [InlineData("vision", 50, 0.1721, 969, 2133, 4, 49.0, 0.2190, 0.214, 88, 0.1721)]
    [InlineData("vision", 100, 0.1462, 803.25, 2133, 8, 99.9, 0.1950, 0.250, 152, 0.1462)]
    [InlineData("vision", 200, 0.1315, 720.375, 2133, 16, 197.1, 0.1757, 0.252, 211, 0.1310)]
    [InlineData("language", 50, 0.1850, 886.125, 3199, 4, 48.9, 0.2357, 0.215, 54, 0.1842)]
    [InlineData("language", 100, 0.1495, 720.375, 3199, 8, 90.2, 0.1933, 0.226, 115, 0.1483)]
    [InlineData("language", 200, 0.1308, 720.375, 3199, 16, 158.6, 0.1683, 0.223, 170, 0.1297)]
    public void GridSearchReproducesTheGoldenTable(string profile, double slo, double energy, double gpu, double memory,
        int batch, double latency, double baseline, double saving, int feasible, double joint)
    {
        var optimum = GridSearch.Run(Orin, WorkloadProfile.Catalog.Get(profile), slo);
        Assert.Equal(1220, optimum.CpuMHz);
        Assert.Equal(new HardwareConfig(gpu, memory, 1220, batch), optimum.Best);
        Assert.Equal(energy, Math.Round(optimum.EnergyJ, 4));
        Assert.Equal(latency, Math.Round(optimum.Point!.LatencySeconds * 1e3, 1));
        Assert.Equal(baseline, Math.Round(optimum.BaselineEnergyJ, 4));
        Assert.Equal(saving, Math.Round(optimum.Saving, 3));
        Assert.Equal(feasible, optimum.Feasible);
        Assert.Equal(260, optimum.PhaseTwoSize);
        // Two-phase versus the joint four-knob optimum. The design says "within 0.8%", from its rounded figures; the
        // exact gaps reach 0.82% (language at 100 and 200 ms), so the bound is the next rounding up.
        Assert.Equal(joint, Math.Round(optimum.JointEnergyJ, 4));
        Assert.InRange(optimum.EnergyJ / optimum.JointEnergyJ - 1, 0, 0.0085);
    }

    [Fact]
    public void NoiseIsSeededAndNoNoiseIsTheModel()
    {
        static double[] Draws(ulong seed, MeasurementNoise noise)
        {
            using var device = new SimulatedDevice(Orin, noise, new Core.Randomness.RandomStream(seed));
            return [.. Enumerable.Range(0, 20).Select(_ =>
                device.MeasureAsync(new Workload("vision", 4), 10).Result.EnergyPerQueryJ)];
        }
        Assert.Equal(Draws(1, MeasurementNoise.Default), Draws(1, MeasurementNoise.Default));
        Assert.NotEqual(Draws(1, MeasurementNoise.Default), Draws(2, MeasurementNoise.Default));
        var exact = PerformanceModel.Evaluate(Orin, WorkloadProfile.Vision, Orin.Grid.MaxClocks(4)).EnergyPerQueryJ;
        Assert.All(Draws(3, MeasurementNoise.None), e => Assert.Equal(exact, e, 12));
        var sensed = Draws(4, MeasurementNoise.Default with { Sensor = true });
        Assert.All(sensed, e => Assert.InRange(e / exact, 0.99, 1.01));
    }

    [Fact]
    public async Task MeasurementsAdvanceTheVirtualClock()
    {
        using var device = new SimulatedDevice(Orin, MeasurementNoise.None, new Core.Randomness.RandomStream(1));
        await device.MeasureAsync(new Workload("vision", 1), 10);
        await device.ApplyAsync(Orin.Grid.MaxClocks(1) with { GpuMHz = 306 });
        await device.MeasureAsync(new Workload("vision", 1), 10);
        Assert.Equal(21, device.VirtualSeconds);
    }

    private static IEnumerable<HardwareConfig> Raised(KnobGrid grid, HardwareConfig c)
    {
        static double? Next(IReadOnlyList<double> values, double v)
        {
            var i = values.ToList().IndexOf(v);
            return i + 1 < values.Count ? values[i + 1] : null;
        }
        if (Next(grid.GpuMHz, c.GpuMHz) is { } g) yield return c with { GpuMHz = g };
        if (Next(grid.MemoryMHz, c.MemoryMHz) is { } m) yield return c with { MemoryMHz = m };
        if (Next(grid.CpuMHz, c.CpuMHz) is { } f) yield return c with { CpuMHz = f };
    }
}
