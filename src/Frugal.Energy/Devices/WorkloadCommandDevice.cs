using System.Diagnostics;
using System.Globalization;
using Frugal.Core.Errors;
using Frugal.Energy.Backends;

namespace Frugal.Energy.Devices;

/// <summary>
/// A real device measured under the user's own inference workload, so it can be tuned: real backends read power and
/// clocks but run no model. For each window the workload command runs beside the device's power measurement with
/// <c>FRUGAL_BATCH</c>, <c>FRUGAL_STAGE</c> (<c>pipeline</c> or <c>preprocessing</c>), <c>FRUGAL_SECONDS</c> and
/// <c>FRUGAL_PROFILE</c> in its environment, and prints one line per batch it finished: that batch's latency in
/// milliseconds, and exits after about <c>FRUGAL_SECONDS</c>. Energy per query is the device's mean power over the
/// window times the time the command ran, divided by the queries it served.
/// </summary>
public sealed class WorkloadCommandDevice : IEnergyDevice
{
    /// <summary>The setting named in errors about the workload command.</summary>
    public const string Setting = "workload command";

    private readonly IEnergyDevice _device;
    private readonly string _command;

    /// <summary>Measures <paramref name="device"/> under <paramref name="command"/> (run by /bin/sh -c).</summary>
    public WorkloadCommandDevice(IEnergyDevice device, string command)
    {
        if (string.IsNullOrWhiteSpace(command))
            throw new BadInputException("the workload command is empty", Setting);
        _device = device;
        _command = command;
    }

    /// <inheritdoc />
    public string Name => _device.Name;

    /// <inheritdoc />
    public DeviceDescription Describe() => _device.Describe();

    /// <inheritdoc />
    public Task ApplyAsync(HardwareConfig config, CancellationToken cancellation = default) =>
        _device.ApplyAsync(config, cancellation);

    /// <inheritdoc />
    public async Task<Measurement> MeasureAsync(Workload workload, double windowSeconds,
        CancellationToken cancellation = default)
    {
        var power = _device.MeasureAsync(workload, windowSeconds, cancellation);
        var clock = Stopwatch.StartNew();
        var latencies = await RunAsync(workload, windowSeconds, cancellation);
        var seconds = clock.Elapsed.TotalSeconds;
        var m = await power;
        if (!double.IsFinite(m.PowerW))
            throw new BadInputException($"the {Name} device reads no power ({m.Sensor}), so a workload's energy " +
                                        "cannot be measured on it", DeviceUnavailableException.DeviceSetting);
        var queries = latencies.Length * (double)workload.Batch;
        var sorted = latencies.Order().ToArray();
        return m with
        {
            LatencyMs = latencies.Average(),
            LatencyP95Ms = sorted[(int)Math.Ceiling(0.95 * sorted.Length) - 1],
            EnergyPerQueryJ = m.PowerW * seconds / queries,
            Throughput = queries / seconds,
        };
    }

    /// <inheritdoc />
    public Task RestoreAsync(CancellationToken cancellation = default) => _device.RestoreAsync(cancellation);

    /// <inheritdoc />
    public void Dispose() => _device.Dispose();

    /// <summary>Runs the command for one window; returns the batch latencies it printed.</summary>
    private async Task<double[]> RunAsync(Workload workload, double windowSeconds, CancellationToken cancellation)
    {
        var start = new ProcessStartInfo("/bin/sh", ["-c", _command])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.Environment["FRUGAL_BATCH"] = workload.Batch.ToString(CultureInfo.InvariantCulture);
        start.Environment["FRUGAL_STAGE"] = workload.Stage == WorkloadStage.Pipeline ? "pipeline" : "preprocessing";
        start.Environment["FRUGAL_SECONDS"] = windowSeconds.ToString("R", CultureInfo.InvariantCulture);
        start.Environment["FRUGAL_PROFILE"] = workload.Profile;
        using var process = Process.Start(start)
            ?? throw new BadInputException($"the workload command could not start: {_command}", Setting);
        var output = process.StandardOutput.ReadToEndAsync(cancellation);
        var errors = process.StandardError.ReadToEndAsync(cancellation);
        try
        {
            await process.WaitForExitAsync(cancellation);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        if (process.ExitCode != 0)
        {
            var last = (await errors).Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "";
            throw new BadInputException(
                $"the workload command exited with code {process.ExitCode}{(last.Length > 0 ? ": " + last : "")}",
                Setting);
        }
        return Latencies(await output);
    }

    /// <summary>The latencies of a window's output, one positive number of milliseconds per line.</summary>
    internal static double[] Latencies(string output)
    {
        var lines = output.Split('\n');
        var latencies = new List<double>();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0) continue;
            if (!double.TryParse(line, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms)
                || !(ms > 0) || !double.IsFinite(ms))
                throw new BadInputException(
                    $"the workload command's output line {i + 1}: '{line}' is not a batch latency in milliseconds",
                    Setting);
            latencies.Add(ms);
        }
        return latencies.Count > 0 ? [.. latencies]
            : throw new BadInputException("the workload command finished no batch in the window", Setting);
    }
}
