using System.ComponentModel;
using System.Globalization;
using Frugal.Cli.Rendering;
using Frugal.Core.Randomness;
using Frugal.Scheduling.Traces;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Schedule;

/// <summary><c>frugal schedule trace</c>: generates a trace with Shockwave's distributions.</summary>
internal sealed class TraceCommand(IAnsiConsole console) : Command<TraceCommand.Settings>
{
    /// <summary>The distributions to draw from and where to write the trace.</summary>
    public sealed class Settings : GlobalSettings
    {
        [CommandOption("--jobs <N>")]
        [Description("Number of jobs, 1 to 100000 (default 120).")]
        [DefaultValue(120)]
        public int Jobs { get; init; } = 120;

        [CommandOption("--gap <SECONDS>")]
        [Description("Mean gap between arrivals, at most a day (default 40).")]
        [DefaultValue(40.0)]
        public double Gap { get; init; } = 40;

        [CommandOption("--min-hours <H>")]
        [Description("Shortest job duration (default 0.2).")]
        [DefaultValue(0.2)]
        public double MinHours { get; init; } = 0.2;

        [CommandOption("--max-hours <H>")]
        [Description("Longest job duration, at most 100 (default 5).")]
        [DefaultValue(5.0)]
        public double MaxHours { get; init; } = 5;

        [CommandOption("--durations <N>")]
        [Description("Points of the duration grid, 2 to 100000 (default 100).")]
        [DefaultValue(100)]
        public int Durations { get; init; } = 100;

        [CommandOption("--log-durations")]
        [Description("Space the duration grid geometrically instead of linearly.")]
        public bool LogDurations { get; init; }

        [CommandOption("--gpu-mix <P1,P2,P4,P8>")]
        [Description("Probabilities of 1-, 2-, 4- and 8-GPU jobs, summing to 1 (default 0.6,0.3,0.09,0.01).")]
        [DefaultValue("0.6,0.3,0.09,0.01")]
        public string GpuMix { get; init; } = "0.6,0.3,0.09,0.01";

        [CommandOption("--mode-mix <STATIC,ACCORDION,GNS>")]
        [Description("Probabilities of the adaptation modes, summing to 1 (default 0,0.5,0.5).")]
        [DefaultValue("0,0.5,0.5")]
        public string ModeMix { get; init; } = "0,0.5,0.5";

        [CommandOption("--throughputs <FILE>")]
        [Description(
            "Throughput file the steps are computed from. Default: Shockwave's TACC file from data/shockwave, else a " +
            "synthetic model.")]
        public string? Throughputs { get; init; }

        [CommandOption("--output <FILE>")]
        [Description("Where to write the trace (default OUT/traces/ with Shockwave's file-name convention).")]
        public string? Output { get; init; }

        /// <summary>Without <c>--output</c> the trace goes under <c>--out</c>, which must then be writable.</summary>
        protected override bool WritesOutputFolder => Output is null;

        /// <summary>The option of each setting the trace generator names in its errors.</summary>
        private static readonly Dictionary<string, string> OptionsBySetting = new(StringComparer.Ordinal)
        {
            ["number of jobs"] = "--jobs", ["mean arrival gap"] = "--gap", ["shortest duration"] = "--min-hours",
            ["longest duration"] = "--max-hours", ["duration grid"] = "--durations", ["GPU mix"] = "--gpu-mix",
            ["mode mix"] = "--mode-mix",
        };

        /// <inheritdoc/>
        public override string? OptionFor(string setting) => OptionsBySetting.GetValueOrDefault(setting);

        /// <summary>The generator's options as the command line sets them.</summary>
        public TraceGeneratorOptions Generator() => new()
        {
            Jobs = Jobs, MeanArrivalGapSeconds = Gap, MinDurationHours = MinHours, MaxDurationHours = MaxHours,
            DurationPoints = Durations, LogSpacedDurations = LogDurations,
            ScaleFactorMix = Numbers(GpuMix, "--gpu-mix"), ModeMix = Numbers(ModeMix, "--mode-mix"),
        };

        /// <summary>Checks every setting up front, through the generator's own validation.</summary>
        public override ValidationResult Validate()
        {
            var global = base.Validate();
            return global.Successful ? CheckedBy(() => Generator().Validate()) : global;
        }

        private static double[] Numbers(string text, string option)
        {
            var parts = text.Split(',', StringSplitOptions.TrimEntries);
            var values = new double[parts.Length];
            for (var i = 0; i < parts.Length; i++)
            {
                // .NET's parser ignores trailing NUL characters; a number here is plain text.
                if (parts[i].Contains('\0')
                    || !double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]))
                    throw new UsageException($"{option}: '{text}' is not a list of numbers separated by commas.");
            }
            return values;
        }
    }

    /// <inheritdoc/>
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var generator = settings.Generator();
        var path = settings.Output ?? Path.Combine(settings.Out, "traces", generator.FileName(settings.Seed));
        var throughputs = ScheduleInputs.Throughputs(settings.Throughputs);
        var trace = GeneratedTrace.Write(path, throughputs, generator, new SeedTree(settings.Seed));
        if (!settings.JsonOnConsole)
        {
            var table = new Table().AddColumns("", "value");
            table.AddRow("jobs", trace.Jobs.ToString(CultureInfo.InvariantCulture));
            table.AddRow("last arrival", $"{trace.LastArrivalSeconds:F0} s");
            table.AddRow("1/2/4/8-GPU jobs", string.Join(" / ", trace.Gpus.Values));
            table.AddRow("static/accordion/gns", string.Join(" / ", trace.Modes.Values));
            table.AddRow("throughputs", Markup.Escape(trace.Throughputs));
            console.Write(table);
            console.MarkupLineInterpolated($"Trace: {path}");
        }
        JsonOutput.Emit(console, settings, trace.ToJson());
        return ExitCodes.Success;
    }
}
