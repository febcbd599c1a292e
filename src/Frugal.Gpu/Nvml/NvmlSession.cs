using System.Runtime.InteropServices;
using System.Text;

namespace Frugal.Gpu.Nvml;

/// <summary>
/// NVML initialised once (<c>nvmlInit_v2</c>) and shut down on dispose, with the GPUs it sees. Read-only: see
/// <see cref="NvmlReadOnly"/>.
/// </summary>
internal sealed class NvmlSession : IDisposable
{
    /// <summary>NVML_ERROR_NOT_SUPPORTED: the GPU has no such sensor (e.g. energy before Volta).</summary>
    internal const int NotSupported = 3;

    private readonly NvmlReadOnly _nvml;

    private NvmlSession(NvmlReadOnly nvml)
    {
        _nvml = nvml;
        DriverVersion = Text(b => nvml.GetDriverVersion(b, (uint)b.Length), "the driver version");
        Check(nvml.GetCount(out var count), "counting the GPUs");
        Count = (int)count;
    }

    /// <summary>The driver's version.</summary>
    public string DriverVersion { get; }

    /// <summary>How many GPUs NVML sees.</summary>
    public int Count { get; }

    /// <summary>Loads NVML from <paramref name="library"/> and initialises it.</summary>
    /// <exception cref="GpuUnavailableException">No NVML, or it does not initialise (no GPU, driver not loaded).
    /// </exception>
    public static NvmlSession Open(string library)
    {
        var nvml = NvmlReadOnly.Load(library);
        var init = nvml.Init();
        if (init != 0)
        {
            var why = Marshal.PtrToStringAnsi(nvml.ErrorString(init));
            nvml.Dispose();
            throw new GpuUnavailableException($"NVML does not initialise ({why}, error {init})");
        }
        try
        {
            return new NvmlSession(nvml);
        }
        catch
        {
            nvml.Shutdown();
            nvml.Dispose();
            throw;
        }
    }

    /// <summary>The GPU NVML lists at <paramref name="index"/>.</summary>
    public NvmlGpu ByIndex(int index)
    {
        if (index < 0 || index >= Count)
            throw new GpuUnavailableException($"NVML sees {Count} GPU(s), none with index {index}");
        Check(_nvml.GetHandleByIndex((uint)index, out var handle), $"opening GPU {index}");
        return new NvmlGpu(this, _nvml, handle);
    }

    /// <summary>The GPU at a PCI bus id (<c>domain:bus:device.function</c>), the one identity CUDA and NVML
    /// share (their device indices can differ).</summary>
    public NvmlGpu ByPciBusId(string busId)
    {
        Check(_nvml.GetHandleByPciBusId(Encoding.ASCII.GetBytes(busId + "\0"), out var handle),
            $"finding the GPU at PCI {busId}");
        return new NvmlGpu(this, _nvml, handle);
    }

    /// <summary>Throws an <see cref="IOException"/> naming what failed with NVML's own message.</summary>
    internal void Check(int code, string what)
    {
        if (code != 0)
            throw new IOException($"NVML: {what} failed ({Marshal.PtrToStringAnsi(_nvml.ErrorString(code))}, " +
                                  $"error {code})");
    }

    /// <summary>Reads a NUL-terminated ASCII string NVML writes into a 96-byte buffer.</summary>
    internal string Text(Func<byte[], int> query, string what)
    {
        var buffer = new byte[96];
        Check(query(buffer), $"reading {what}");
        var end = Array.IndexOf(buffer, (byte)0);
        return Encoding.ASCII.GetString(buffer, 0, end < 0 ? buffer.Length : end);
    }

    public void Dispose()
    {
        _nvml.Shutdown();
        _nvml.Dispose();
    }
}
