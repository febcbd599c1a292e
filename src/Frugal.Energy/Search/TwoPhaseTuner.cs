using Frugal.Core.Errors;
using Frugal.Core.Randomness;
using Frugal.Energy.Backends;
using Frugal.Energy.Devices;
using Frugal.Energy.Simulation;
using Frugal.Tuning.Optimizers;

namespace Frugal.Energy.Search;

/// <summary>What a two-phase run found.</summary>
/// <param name="Plan">The run's settings.</param>
/// <param name="CpuMHz">Phase 1's CPU clock.</param>
/// <param name="Samples">Every measurement, in order.</param>
/// <param name="Incumbents">The incumbent after each phase-2 (search) sample.</param>
/// <param name="Recommended">The configuration recommended.</param>
/// <param name="RecommendedEnergyJ">Its energy per query, mean of its re-measurements.</param>
/// <param name="RecommendedLatencyMs">Its latency, mean of its re-measurements.</param>
/// <param name="StoppedEarly">The stopping rule ended phase 2 before the budget.</param>
/// <param name="VirtualSeconds">Tuning time on the simulator's clock (NaN on real devices).</param>
public sealed record TwoPhaseResult(
    TuningPlan Plan, double CpuMHz, IReadOnlyList<TuningSample> Samples, IReadOnlyList<HardwareConfig> Incumbents,
    HardwareConfig Recommended, double RecommendedEnergyJ, double RecommendedLatencyMs, bool StoppedEarly,
    double VirtualSeconds)
{
    /// <summary>Phase 2's samples (the budget's), in order.</summary>
    public IReadOnlyList<TuningSample> SearchSamples => [.. Samples.Where(s => s.Phase == TuningPhase.Search)];
}

/// <summary>
/// PolyThrottle's tuner (design §2–§3): phase 1 measures preprocessing at every CPU clock and keeps the cheapest per
/// item (CPU work overlaps inference, so it is tuned alone); phase 2 runs <see cref="ConstrainedGridSearch"/> over GPU
/// clock, memory clock and batch size at that CPU clock, starting from max clocks at batch 1 (likely feasible) and a
/// few Latin-hypercube grid points; then the three best candidates are measured twice more and the best recommended.
/// </summary>
public static class TwoPhaseTuner
{
    /// <summary>Runs both phases on <paramref name="device"/>; <paramref name="sampled"/> sees each sample as it
    /// lands.</summary>
    public static async Task<TwoPhaseResult> RunAsync(IEnergyDevice device, TuningPlan plan, SeedTree seeds,
        Action<TuningSample>? sampled = null, CancellationToken cancellation = default)
    {
        var grid = device.Describe().Grid;
        var samples = new List<TuningSample>();
        async Task<Measurement> Measure(TuningPhase phase, HardwareConfig config, WorkloadStage stage)
        {
            cancellation.ThrowIfCancellationRequested();
            var replicate = samples.Any(s => s.Phase == phase && s.Config == config);
            await device.ApplyAsync(config, cancellation);
            var m = await device.MeasureAsync(new Workload(plan.Profile, config.Batch, stage), plan.WindowSeconds,
                cancellation);
            if (!double.IsFinite(m.EnergyPerQueryJ) || !double.IsFinite(m.LatencyMs))
                throw new BadInputException(
                    $"the {device.Name} device runs no model, so it reports neither latency nor energy per " +
                    "query; give a workload command that runs the model, or tune on the simulated device",
                                                DeviceUnavailableException.DeviceSetting);
            var sample = new TuningSample(samples.Count + 1, phase, config, m, replicate,
                (device as SimulatedDevice)?.VirtualSeconds ?? double.NaN);
            samples.Add(sample);
            sampled?.Invoke(sample);
            return m;
        }

        // Phase 1: the mean ln energy per preprocessed item at each CPU clock, GPU and memory at max, batch 1.
        var cpuScores = new List<(double Cpu, double LogEnergy)>();
        foreach (var cpu in grid.CpuMHz)
        {
            var sum = 0.0;
            for (var r = 0; r < plan.PhaseOneRepeats; r++)
            {
                var m = await Measure(TuningPhase.Cpu, grid.MaxClocks(1) with { CpuMHz = cpu },
                    WorkloadStage.Preprocessing);
                sum += Math.Log(m.EnergyPerQueryJ);
            }
            cpuScores.Add((cpu, sum / plan.PhaseOneRepeats));
        }
        var cpuMHz = cpuScores.MinBy(s => s.LogEnergy).Cpu;

        // Phase 2.
        var phaseTwo = grid.PhaseTwo(cpuMHz);
        var search = new ConstrainedGridSearch(phaseTwo, plan, seeds.Child("search"));
        var initial = new Queue<int>(InitialDesign(grid, phaseTwo, cpuMHz, plan.InitialDesign, seeds.Stream("design")));
        var incumbents = new List<HardwareConfig>();
        var stopped = false;
        var count = 0;
        while (count < plan.Budget)
        {
            int? next = initial.Count > 0 ? initial.Dequeue() : search.Next();
            if (next is not { } point)
            {
                stopped = true;
                break;
            }
            var m = await Measure(TuningPhase.Search, phaseTwo[point], WorkloadStage.Pipeline);
            search.Observe(point, m.EnergyPerQueryJ, m.LatencyMs);
            count++;
            incumbents.Add(phaseTwo[search.Incumbent()]);
        }

        // Verification: the best qualified candidates (or the most likely feasible) measured again.
        var posterior = search.Posterior!;
        var top = search.Qualified(posterior).Take(plan.TopToVerify).ToArray();
        if (top.Length == 0) top = [search.Incumbent()];
        var verified = new Dictionary<int, List<Measurement>>();
        foreach (var point in top)
        {
            verified[point] = [];
            for (var r = 0; r < plan.VerifyRepeats; r++)
            {
                var m = await Measure(TuningPhase.Verify, phaseTwo[point], WorkloadStage.Pipeline);
                search.Observe(point, m.EnergyPerQueryJ, m.LatencyMs);
                verified[point].Add(m);
            }
        }
        var chosen = search.Qualified(search.Posterior!).Where(top.Contains).DefaultIfEmpty(search.Incumbent()).First();
        var chosenMeasurements = verified.GetValueOrDefault(chosen) ?? [];
        await device.RestoreAsync(cancellation);
        return new TwoPhaseResult(plan, cpuMHz, samples, incumbents, phaseTwo[chosen],
            chosenMeasurements.Count > 0 ? chosenMeasurements.Average(m => m.EnergyPerQueryJ) : double.NaN,
            chosenMeasurements.Count > 0 ? chosenMeasurements.Average(m => m.LatencyMs) : double.NaN,
            stopped, (device as SimulatedDevice)?.VirtualSeconds ?? double.NaN);
    }

    /// <summary>Max clocks at batch 1, then <paramref name="latin"/> Latin-hypercube points on the grid's
    /// levels.</summary>
    private static IEnumerable<int> InitialDesign(KnobGrid grid, IReadOnlyList<HardwareConfig> phaseTwo, double cpuMHz,
        int latin, RandomStream random)
    {
        var start = grid.MaxClocks(grid.Batches[0]) with { CpuMHz = cpuMHz };
        yield return IndexOf(phaseTwo, start);
        if (latin == 0) yield break;
        OptimizerDimension[] dimensions =
            [new("gpu", grid.GpuMHz.Count), new("memory", grid.MemoryMHz.Count), new("batch", grid.Batches.Count)];
        foreach (var p in LatinHypercube.Design(dimensions, latin, random))
        {
            var config = new HardwareConfig(grid.GpuMHz[Box.LevelOf(dimensions[0], p[0])],
                grid.MemoryMHz[Box.LevelOf(dimensions[1], p[1])], cpuMHz, grid.Batches[Box.LevelOf(dimensions[2],
                    p[2])]);
            yield return IndexOf(phaseTwo, config);
        }
    }

    private static int IndexOf(IReadOnlyList<HardwareConfig> grid, HardwareConfig config)
    {
        for (var i = 0; i < grid.Count; i++)
        {
            if (grid[i] == config) return i;
        }
        throw new InvalidOperationException($"{config} is not on the grid");
    }
}
