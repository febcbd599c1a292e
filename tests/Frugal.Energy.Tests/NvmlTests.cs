using System.Runtime.InteropServices;
using Frugal.Core.Randomness;
using Frugal.Energy.Backends;
using Frugal.Energy.Devices;
using Frugal.Energy.Simulation;
using Frugal.Tests.Fakes;

namespace Frugal.Energy.Tests;

/// <summary>The fake NVML library, compiled once for the class (a C compiler is needed; without one the tests
/// skip).</summary>
public sealed class FakeNvml : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("frugal-fake-nvml-").FullName;

    public FakeNvml()
    {
        (var library, Problem) = NativeFake.Compile("fake-nvml.c", _folder);
        if (library is null) return;
        LibraryPath = library;
        var handle = NativeLibrary.Load(library);
        Reset = Marshal.GetDelegateForFunctionPointer<ResetCall>(NativeLibrary.GetExport(handle, "fake_nvml_reset"));
        State = Marshal.GetDelegateForFunctionPointer<StateQuery>(NativeLibrary.GetExport(handle, "fake_nvml_state"));
    }

    public delegate void ResetCall(uint failMemoryLock);

    public delegate void StateQuery(out uint gpuLocked, out uint memoryLocked);

    /// <summary>Why the fake could not be built; null when it was.</summary>
    public string? Problem { get; }

    public string LibraryPath { get; } = "";

    public ResetCall Reset { get; } = _ => { };

    public StateQuery State { get; } = (out uint g, out uint m) => g = m = 0;

    public (uint Gpu, uint Memory) Locked()
    {
        State(out var gpu, out var memory);
        return (gpu, memory);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

/// <summary>The NVML backend against a fake library: what it reads, what it locks, and that it undoes it.</summary>
public sealed class NvmlTests(FakeNvml fake) : IClassFixture<FakeNvml>, IDisposable
{
    private readonly string _journals = Directory.CreateTempSubdirectory("frugal-nvml-journals-").FullName;

    public void Dispose() => Directory.Delete(_journals, recursive: true);

    private NvmlDevice Open(bool allow, uint failMemoryLock = 0, bool reset = true)
    {
        Skip.If(fake.Problem is not null, fake.Problem);
        if (reset) fake.Reset(failMemoryLock);
        var options = new DeviceOptions("orin-like", MeasurementNoise.None, new SeedTree(1), allow, _journals);
        return new NvmlDevice(0, id => options.Permission("nvml", id), fake.LibraryPath);
    }

    private static readonly HardwareConfig Low = new(900, 877, double.NaN, 8);

    [SkippableFact]
    public async Task ItReadsClockTablesEnergyAndClocks()
    {
        using var device = Open(allow: false);
        Assert.Equal("GPU-fake-0001", device.Identity);
        var grid = device.Describe().Grid;
        Assert.Equal([210, 900, 1200, 1410], grid.GpuMHz);
        Assert.Equal([877, 1215], grid.MemoryMHz);
        var m = await device.MeasureAsync(new Workload("vision", 4), 0.1);
        Assert.Equal(50, m.PowerW, 9);
        Assert.Equal((1410, 1215), (m.Clocks.GpuMHz, m.Clocks.MemoryMHz));
        await Assert.ThrowsAsync<ClockChangesNotAllowedException>(() => device.ApplyAsync(Low));
        Assert.Equal((0u, 0u), fake.Locked());
    }

    [SkippableFact]
    public async Task LockedClocksAreJournalledAndResetOnDispose()
    {
        using (var device = Open(allow: true))
        {
            await device.ApplyAsync(Low);
            Assert.Equal((900u, 877u), fake.Locked());
            var m = await device.MeasureAsync(new Workload("vision", 8), 0.1);
            Assert.Equal((900, 877), (m.Clocks.GpuMHz, m.Clocks.MemoryMHz));
            Assert.Single(Directory.GetFiles(_journals));
        }
        Assert.Equal((0u, 0u), fake.Locked());
        Assert.Empty(Directory.GetFiles(_journals));
    }

    [SkippableFact]
    public async Task AFailedSecondLockUndoesTheFirst()
    {
        using var device = Open(allow: true, failMemoryLock: 1);
        var e = await Assert.ThrowsAsync<IOException>(() => device.ApplyAsync(Low));
        Assert.Contains("locking the memory clock failed (NVML error 3)", e.Message);
        Assert.Equal((0u, 0u), fake.Locked());
        Assert.Empty(Directory.GetFiles(_journals));
    }

    [SkippableFact]
    public async Task AJournalLeftByACrashIsRestoredAtTheNextOpen()
    {
        var crashed = Open(allow: true);
        await crashed.ApplyAsync(Low);
        // The process dies here: no Dispose. The next run with permission finds the journal.
        using (Open(allow: true, reset: false))
        {
            Assert.Equal((0u, 0u), fake.Locked());
            Assert.Empty(Directory.GetFiles(_journals));
        }
    }

    [Fact]
    public void ALibraryWithoutNvmlsEntryPointsIsRefusedNamingOne()
    {
        var e = Assert.Throws<DeviceUnavailableException>(() =>
            new NvmlDevice(0, _ => throw new InvalidOperationException("not reached"), "libc.so.6"));
        Assert.Equal("nvml unavailable: libc.so.6 has no nvmlInit_v2 (an NVML too old?)", e.Message);
    }
}
