using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Frugal.Cli.Rendering;
using Frugal.Compression.Experiments;
using Frugal.Compression.Study;
using Frugal.Core.Errors;
using Frugal.Core.Experiments;
using Frugal.Core.Randomness;
using Frugal.Core.Results;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Compress;

/// <summary>
/// <c>frugal compress study</c>: the design's grid (or a grid file, or a preset) with progress; each finished run is
/// appended to a JSONL file, so <c>--resume</c> continues a stopped study; tables, Pareto plots and a report at the
/// end.
/// </summary>
internal sealed class CompressStudyCommand(IAnsiConsole console) : SettingCommand<CompressStudyCommand.Settings>
{
    public sealed class Settings : CompressSettings
    {
        [CommandOption("--grid <FILE>")]
        [Description("A grid file: 'field = value' lines (docs/compression.md); unset fields as paper-small.")]
        public string? Grid { get; init; }

        [CommandOption("--preset <NAME>")]
        [Description("quick (default; seconds) or paper-small (minutes); ignored with --grid.")]
        [DefaultValue("quick")]
        public string Preset { get; init; } = "quick";

        [CommandOption("--log <FILE>")]
        [Description("The JSONL file of finished runs (default OUT/study.jsonl).")]
        public string? Log { get; init; }

        [CommandOption("--compress-backward")]
        [Description("Quantise the backward messages of every quantising method too (as 'compress-backward = true').")]
        public bool CompressBackward { get; init; }

        [CommandOption("--resume")]
        [Description("Continue the study in --log: its finished runs are kept, the rest run.")]
        public bool Resume { get; init; }

        protected override bool WritesOutputFolder => true;
    }

    protected override int Run(Settings settings, CancellationToken cancellation)
    {
        if (settings.Grid is not null && settings.Preset != "quick")
            throw new BadInputException("--grid and --preset: give one of them");
        var study =
            settings.Grid is { } grid ? StudySettings.ReadGrid(grid) : StudySettings.Presets.Get(settings.Preset);
        if (settings.CompressBackward) study = study with { CompressBackward = true };
        study.Check();
        Directory.CreateDirectory(settings.Out);
        var logPath = settings.Log ?? Path.Combine(settings.Out, "study.jsonl");
        var seeds = new SeedTree(settings.Seed).Child(CompressionStudyExperiment.ExperimentName);
        IReadOnlyList<RunRecord> runs;
        using (var log = StudyLog.Open(logPath, study, settings.Resume))
        {
            runs = settings.JsonOnConsole
                ? CompressionStudy.Run(study, seeds, log, cancellation: cancellation)
                : console.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(),
                        new PercentageColumn(), new ElapsedTimeColumn())
                    .Start(p =>
                    {
                        var task = p.AddTask("study", maxValue: 1);
                        return CompressionStudy.Run(study, seeds, log, (done, all, key) =>
                        {
                            task.Value = (double)done / all;
                            task.Description = Markup.Escape(key is null ? "done" : $"{done + 1}/{all} {key}");
                        }, cancellation);
                    });
        }
        var experiment = new FinishedExperiment(CompressionStudyExperiment.ExperimentName,
            "Compression study", r => StudyReport.Fill(r, study, runs));
        var summary = Reproduction.Run([experiment], new ReproductionOptions(settings.Seed, false, settings.Out),
            cancellation: cancellation);
        if (summary.Outcomes[0].Error is { } error) throw new InvalidOperationException(error);
        var cells = StudyReport.Summarise(runs);
        if (!settings.JsonOnConsole)
        {
            static string F(double v, string f) => v.ToString(f, CultureInfo.InvariantCulture);
            var table = new Table().AddColumns("layout", "link", "method", "ratio", runs[0].Metric, "change %",
                "step ms", "speedup", "comm share", "codec share");
            foreach (var c in cells.OrderBy(c => c.Parallelism).ThenBy(c => c.Link).ThenBy(c => c.Method))
                table.AddRow(c.Parallelism, c.Link, c.Method, c.Ratio is { } r ? F(r, "0.##") : "-",
                    F(c.Metric, "0.000"),
                    F(100 * c.MetricChange, "0.0"), F(1000 * c.StepSeconds, "0.00"), F(c.Speedup, "0.00"),
                    F(c.CommunicationShare, "0.00"), F(c.CodecShare, "0.00"));
            console.Write(table);
            console.MarkupLineInterpolated($"Runs: {logPath}  Report: [link]{summary.ReportPath}[/]");
        }
        JsonOutput.Emit(console, settings, JsonSerializer.Serialize(cells, ResultJson.Options));
        return ExitCodes.Success;
    }
}
