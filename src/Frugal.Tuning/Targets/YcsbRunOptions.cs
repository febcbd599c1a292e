using Frugal.Core.Errors;
using Frugal.Workloads.Ycsb;

namespace Frugal.Tuning.Targets;

/// <summary>
/// The workload settings of a target driven by an in-process YCSB load (kv, rocksdb), checked: the workload letter,
/// the record count (<c>--scale</c> thousands), and the lengths of a measured run and of the warm-up.
/// </summary>
internal sealed record YcsbRunOptions(YcsbWorkload Workload, long Records, TimeSpan Duration, TimeSpan Warmup)
{
    /// <param name="options">The user's settings.</param>
    /// <param name="target">The target's name, for messages.</param>
    /// <param name="duration">The default run length in seconds.</param>
    /// <param name="warmup">The default warm-up in seconds.</param>
    /// <exception cref="BadInputException">A setting out of range, named.</exception>
    public static YcsbRunOptions From(TargetOptions options, string target, double duration, double warmup)
    {
        YcsbWorkload workload;
        try
        {
            workload = YcsbWorkload.Parse(options.Workload ?? "A");
        }
        catch (UnknownNameException e)
        {
            // The catalogue's message lists the workloads; the setting it names is the target's own.
            throw new BadInputException(e.Message, TargetOptions.WorkloadSetting, e);
        }
        // Written as !(inside) so that NaN, which fails every comparison, is refused too.
        if (options.DurationSeconds is { } d && !(d > 0 && d <= 3600))
            throw OutOfRange(target, TargetOptions.DurationSetting, d, "(0, 3600] seconds");
        if (options.WarmupSeconds is { } w && !(w >= 0 && w <= 3600))
            throw OutOfRange(target, TargetOptions.WarmupSetting, w, "[0, 3600] seconds");
        if (options.Scale is < 1 or > 100_000)
            throw OutOfRange(target, TargetOptions.ScaleSetting, options.Scale, "[1, 100000] thousand records");
        return new YcsbRunOptions(workload, (options.Scale ?? 100) * 1000L,
            TimeSpan.FromSeconds(options.DurationSeconds ?? duration),
            TimeSpan.FromSeconds(options.WarmupSeconds ?? warmup));
    }

    /// <summary>A setting out of its range, for <paramref name="target"/>.</summary>
    public static BadInputException OutOfRange(string target, string setting, object? value, string range) =>
        new(FormattableString.Invariant($"{setting} {value} is not in {range} for the {target} target"), setting);
}
