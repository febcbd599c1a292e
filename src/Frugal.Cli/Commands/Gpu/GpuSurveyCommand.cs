using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Frugal.Cli.Rendering;
using Frugal.Core.Errors;
using Frugal.Core.Results;
using Frugal.Gpu.Nvml;
using Frugal.Gpu.Survey;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Gpu;

/// <summary>
/// <c>frugal gpu survey</c>: the §3.3 measurement protocol (SGEMM on ILGPU, NVML sampled read-only) on every chosen
/// device, a live table while it runs, and one record per device in <c>survey.csv</c> and <c>survey.json</c>.
/// </summary>
internal sealed class GpuSurveyCommand(IAnsiConsole console) : SettingCommand<GpuSurveyCommand.Settings>
{
    public sealed class Settings : GlobalSettings
    {
        [CommandOption("--accelerator <KIND>")]
        [Description("cuda (default: NVIDIA GPUs, sensors from NVML) or cpu (ILGPU's CPU accelerator, no sensors).")]
        [DefaultValue("cuda")]
        public string Accelerator { get; init; } = "cuda";

        [CommandOption("--devices <LIST>")]
        [Description("CUDA device indices, e.g. 0,2 (default: every GPU).")]
        public string? Devices { get; init; }

        [CommandOption("--size <N>")]
        [Description("Matrix edge n (default 25536 on a GPU, 32 on the CPU, shrunk to half the free memory).")]
        public int? Size { get; init; }

        [CommandOption("--kernels <K>")]
        [Description("Timed SGEMM kernels after one warm-up; the first and the last are left out (default 100).")]
        [DefaultValue(100)]
        public int Kernels { get; init; } = 100;

        [CommandOption("--sample-ms <T>")]
        [Description("Sensor sampling period in ms, at least 100 (default 1000).")]
        [DefaultValue(1000)]
        public int SampleMs { get; init; } = 1000;

        [CommandOption("--cluster <NAME>")]
        [Description("Label for the records' cluster column (default local).")]
        [DefaultValue("local")]
        public string Cluster { get; init; } = "local";

        protected override bool WritesOutputFolder => true;

        public AcceleratorKind Kind => Accelerator == "cpu" ? AcceleratorKind.Cpu : AcceleratorKind.Cuda;

        /// <summary>The device indices, or null for every device (checked by <see cref="Validate"/>).</summary>
        public IReadOnlyList<int>? DeviceList => Devices?.Split(',')
            .Select(d => int.Parse(d.Trim(), NumberStyles.None, CultureInfo.InvariantCulture)).ToArray();

        public override string? OptionFor(string setting) => setting switch
        {
            GpuUnavailableException.AcceleratorSetting => "--accelerator",
            "size" => "--size",
            "kernels" => "--kernels",
            "sample-ms" => "--sample-ms",
            "cluster" => "--cluster",
            _ => null,
        };

        public override ValidationResult Validate()
        {
            if (Accelerator is not ("cuda" or "cpu"))
                return ValidationResult.Error($"--accelerator: '{Accelerator}' is neither cuda nor cpu.");
            if (Devices is not null && Devices.Split(',').Any(d =>
                    !int.TryParse(d.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out _)))
                return ValidationResult.Error($"--devices: '{Devices}' is not a list of device indices like 0,2.");
            return base.Validate();
        }
    }

    protected override string Hint(BadInputException error) =>
        error is GpuUnavailableException ? " (--accelerator cpu)" : "";

    protected override int Run(Settings settings, CancellationToken cancellation)
    {
        var plan = new SurveyPlan(settings.Size, settings.Kernels, settings.SampleMs, settings.Seed, settings.Cluster)
            .Validated();
        Directory.CreateDirectory(settings.Out);
        var records = settings.JsonOnConsole
            ? GpuSurvey.Run(settings.Kind, settings.DeviceList, plan, _ => { }, cancellation)
            : RunLive(settings, plan, cancellation);
        var csv = Path.Combine(settings.Out, "survey.csv");
        var json = Path.Combine(settings.Out, "survey.json");
        SurveyRecordTable.WriteCsv(csv, records);
        SurveyRecordTable.WriteJson(json, records);
        if (!settings.JsonOnConsole)
        {
            if (settings.Kind == AcceleratorKind.Cpu)
                console.MarkupLine("CPU accelerator: sensors absent (no clock, power or temperature in the records).");
            console.MarkupLine(Markup.Escape($"Records: {csv}, {json} (analyse with: frugal gpu analyze --input)"));
        }
        JsonOutput.Emit(console, settings, JsonSerializer.Serialize(records, ResultJson.Options));
        return ExitCodes.Success;
    }

    /// <summary>Runs the survey under a live table: one row per device, updated as its kernels finish.</summary>
    private IReadOnlyList<SurveyRecord> RunLive(Settings settings, SurveyPlan plan, CancellationToken cancellation)
    {
        var table = new Table().Title(Markup.Escape($"SGEMM survey ({settings.Accelerator})"))
            .AddColumns("device", "name", "n", "kernels", "last ms", "SM MHz", "power W", "temp °C", "reasons");
        var rows = new Dictionary<int, int>();
        return console.Live(table).Start(live => GpuSurvey.Run(settings.Kind, settings.DeviceList, plan, p =>
        {
            lock (rows)
            {
                var cells = Cells(p);
                if (rows.TryGetValue(p.Device, out var row))
                    for (var c = 0; c < cells.Length; c++) table.UpdateCell(row, c, cells[c]);
                else
                {
                    rows[p.Device] = table.Rows.Count;
                    table.AddRow(cells);
                }
                live.Refresh();
            }
        }, cancellation));
    }

    private static string[] Cells(SurveyProgress p)
    {
        static string F(double? v, string format) => v?.ToString(format, CultureInfo.InvariantCulture) ?? "–";
        var reasons = p.Latest.Reasons is { } mask
            ? string.Join(" ", ClockReasons.Bits.Where(b => (mask & b.Bit) != 0).Select(b => b.Name))
            : "–";
        return [p.Device.ToString(CultureInfo.InvariantCulture), Markup.Escape(p.Name),
            p.N.ToString(CultureInfo.InvariantCulture), $"{p.Done}/{p.Kernels}", F(p.LastMs, "0.000"),
            F(p.Latest.SmClockMHz, "0"), F(p.Latest.PowerW, "0.0"), F(p.Latest.TemperatureC, "0"), reasons];
    }
}
