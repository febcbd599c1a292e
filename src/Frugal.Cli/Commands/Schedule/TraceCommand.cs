using System.ComponentModel;
using System.Globalization;
using Frugal.Cli.Rendering;
using Frugal.Core.IO;
using Frugal.Core.Randomness;
using Frugal.Scheduling.Traces;
using Frugal.Scheduling.Workloads;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Schedule;

/// <summary><c>frugal schedule trace</c>: generates a trace with Shockwave's distributions.</summary>
public sealed class TraceCommand(IAnsiConsole console) : Command<TraceCommand.Settings>
{
    public sealed class Settings : GlobalSettings
    {
        [CommandOption("--jobs <N>")]
        [Description("Number of jobs (default 120).")]
        [DefaultValue(120)]
        public int Jobs { get; init; } = 120;

        [CommandOption("--gap <SECONDS>")]
        [Description("Mean gap between arrivals (default 40).")]
        [DefaultValue(40.0)]
        public double Gap { get; init; } = 40;

        [CommandOption("--min-hours <H>")]
        [Description("Shortest job duration (default 0.2).")]
        [DefaultValue(0.2)]
        public double MinHours { get; init; } = 0.2;

        [CommandOption("--max-hours <H>")]
        [Description("Longest job duration (default 5).")]
        [DefaultValue(5.0)]
        public double MaxHours { get; init; } = 5;

        [CommandOption("--durations <N>")]
        [Description("Points of the duration grid (default 100).")]
        [DefaultValue(100)]
        public int Durations { get; init; } = 100;

        [CommandOption("--log-durations")]
        [Description("Space the duration grid geometrically instead of linearly.")]
        public bool LogDurations { get; init; }

        [CommandOption("--gpu-mix <P1,P2,P4,P8>")]
        [Description("Probabilities of 1-, 2-, 4- and 8-GPU jobs (default 0.6,0.3,0.09,0.01).")]
        [DefaultValue("0.6,0.3,0.09,0.01")]
        public string GpuMix { get; init; } = "0.6,0.3,0.09,0.01";

        [CommandOption("--mode-mix <STATIC,ACCORDION,GNS>")]
        [Description("Probabilities of the adaptation modes (default 0,0.5,0.5).")]
        [DefaultValue("0,0.5,0.5")]
        public string ModeMix { get; init; } = "0,0.5,0.5";

        [CommandOption("--throughputs <FILE>")]
        [Description("Throughput file the steps are computed from. Default: Shockwave's TACC file from data/shockwave, else a synthetic model.")]
        public string? Throughputs { get; init; }

        [CommandOption("--output <FILE>")]
        [Description("Where to write the trace (default OUT/traces/ with Shockwave's file-name convention).")]
        public string? Output { get; init; }

        public TraceGeneratorOptions Generator() => new()
        {
            Jobs = Jobs, MeanArrivalGapSeconds = Gap, MinDurationHours = MinHours, MaxDurationHours = MaxHours, DurationPoints = Durations,
            LogSpacedDurations = LogDurations, ScaleFactorMix = Mix(GpuMix, "--gpu-mix", 4), ModeMix = Mix(ModeMix, "--mode-mix", 3),
        };

        private static double[] Mix(string text, string option, int count)
        {
            var parts = text.Split(',', StringSplitOptions.TrimEntries);
            var values = parts.Select(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= 0 ? v : double.NaN).ToArray();
            if (values.Length != count || values.Any(double.IsNaN) || !(values.Sum() > 0))
                throw new UsageException($"{option}: '{text}' is not {count} non-negative probabilities separated by commas.");
            return values;
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var generator = settings.Generator();
        try { generator.Validate(); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        var throughputs = InputErrors.AsUsage(() => ScheduleInputs.Throughputs(settings.Throughputs));
        var jobs = InputErrors.AsUsage(() => new TraceGenerator(throughputs.Value, generator).Generate(new SeedTree(settings.Seed)));

        var path = settings.Output ?? Path.Combine(settings.Out, "traces", generator.FileName(settings.Seed));
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            TraceFile.Write(path, jobs);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot write trace '{path}': {e.Message}");
        }

        var summary = new
        {
            Path = path, Jobs = jobs.Count, Throughputs = throughputs.Source, LastArrivalSeconds = jobs[^1].ArrivalSeconds,
            Gpus = new[] { 1, 2, 4, 8 }.ToDictionary(g => g.ToString(CultureInfo.InvariantCulture), g => jobs.Count(j => j.ScaleFactor == g)),
            Modes = Enum.GetValues<AdaptationMode>().ToDictionary(m => m.TraceName(), m => jobs.Count(j => j.Mode == m)),
        };
        if (!settings.JsonOnConsole)
        {
            var table = new Table().AddColumns("", "value");
            table.AddRow("jobs", summary.Jobs.ToString(CultureInfo.InvariantCulture));
            table.AddRow("last arrival", $"{summary.LastArrivalSeconds:F0} s");
            table.AddRow("1/2/4/8-GPU jobs", string.Join(" / ", summary.Gpus.Values));
            table.AddRow("static/accordion/gns", string.Join(" / ", summary.Modes.Values));
            table.AddRow("throughputs", Markup.Escape(summary.Throughputs));
            console.Write(table);
            console.MarkupLineInterpolated($"Trace: {path}");
        }
        JsonOutput.Emit(console, settings, System.Text.Json.JsonSerializer.Serialize(summary, Core.Results.ResultJson.Options));
        return ExitCodes.Success;
    }
}
