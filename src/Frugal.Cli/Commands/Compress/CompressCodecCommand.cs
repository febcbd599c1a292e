using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Frugal.Cli.Rendering;
using Frugal.Compression.Codecs;
using Frugal.Core.Errors;
using Frugal.Core.Results;
using Spectre.Console;
using Spectre.Console.Cli;
using static TorchSharp.torch;

namespace Frugal.Cli.Commands.Compress;

/// <summary>
/// <c>frugal compress codec</c>: one codec on one tensor (a tensor file, or a seeded normal tensor of a given shape):
/// ratio, error, encode and decode time against a plain copy.
/// </summary>
internal sealed class CompressCodecCommand(IAnsiConsole console) : SettingCommand<CompressCodecCommand.Settings>
{
    public sealed class Settings : CompressSettings
    {
        [CommandOption("--method <NAME>")]
        [Description("none, ae, topk, topk-ef, randk, randk-ef, q8, q4 (default), q2, lowrank, lowrank-ef, srht or " +
                     "ct; quantisation takes options after '+': q4+stochastic (stochastic rounding), q4+rms " +
                     "(scale 2·RMS), q4+backward.")]
        [DefaultValue("q4")]
        public string Method { get; init; } = "q4";

        [CommandOption("--input <FILE>")]
        [Description("A tensor file (docs/compression.md: FRGT header, shape, float32 values).")]
        public string? Input { get; init; }

        [CommandOption("--shape <DIMS>")]
        [Description("Without --input: a seeded N(0, 1) tensor of this shape (default 128,32,1024).")]
        [DefaultValue("128,32,1024")]
        public string Shape { get; init; } = "128,32,1024";

        [CommandOption("--ratio <RHO>")]
        [Description("Target compression ratio (ae, topk, randk, lowrank, srht, ct; default 8).")]
        public double? Ratio { get; init; }

        [CommandOption("--keep <K>")]
        [Description("Entries kept by topk/randk (instead of --ratio).")]
        public long? K { get; init; }

        [CommandOption("--rank <R>")]
        [Description("Rank of lowrank (instead of --ratio).")]
        public int? Rank { get; init; }

        [CommandOption("--code-size <A>")]
        [Description("Code size of ae (instead of --ratio).")]
        public int? CodeSize { get; init; }

        [CommandOption("--sketch-size <M>")]
        [Description("Sketch size m of srht/ct (instead of --ratio), at most the last dimension.")]
        public int? SketchSize { get; init; }

        [CommandOption("--repeat <N>")]
        [Description("Timed rounds; the median is reported (default 5).")]
        [DefaultValue(5)]
        public int Repeat { get; init; } = 5;

        [CommandOption("--output <FILE>")]
        [Description("Write the decoded tensor here (tensor file format).")]
        public string? Output { get; init; }

        public override ValidationResult Validate()
        {
            var global = base.Validate();
            if (!global.Successful) return global;
            return Repeat is >= 1 and <= 1000 ? ValidationResult.Success()
                : ValidationResult.Error($"--repeat: {Repeat} must lie in [1, 1000].");
        }
    }

    protected override int Run(Settings settings, CancellationToken cancellation)
    {
        set_num_threads(1);
        var codecSettings = CodecSettings.Parse(settings.Method, settings.Ratio) with
        {
            K = settings.K,
            Rank = settings.Rank,
            CodeSize = settings.CodeSize,
            SketchSize = settings.SketchSize,
        };
        codecSettings.Check();
        using var scope = NewDisposeScope();
        var x = settings.Input is { } input ? TensorFile.Read(input) : Generated(settings);
        using var codec = CodecCatalog.Create(codecSettings, new CodecSite((int)x.shape[^1], settings.Seed));
        // Alone, the autoencoder is the best linear one for this tensor; in training it is learned with the model.
        if (codec is AutoencoderCodec ae) ae.Fit(x);
        var report = CodecMeasurement.Measure(codec, x, settings.Repeat);
        if (settings.Output is { } output)
        {
            using var noGrad = no_grad();
            TensorFile.Write(output, codec.Decode(codec.Encode(x, BoundaryContext.Alone), BoundaryContext.Alone));
        }
        if (!settings.JsonOnConsole)
        {
            static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
            var table = new Table().AddColumns("", "value");
            (string, string)[] rows =
            [
                ("codec", report.Codec), ("shape", string.Join("×", report.Shape)),
                ("bytes", report.UncompressedBytes.ToString("N0", CultureInfo.InvariantCulture)),
                ("payload bytes", report.PayloadBytes.ToString("N0", CultureInfo.InvariantCulture)),
                ("ratio", F(report.Ratio, "0.00")), ("relative error", F(report.RelativeError, "0.0000")),
                ("max abs error", F(report.MaxAbsoluteError, "0.0000")), ("encode ms", F(report.EncodeMs, "0.000")),
                ("decode ms", F(report.DecodeMs, "0.000")), ("copy ms", F(report.CopyMs, "0.000")),
                ("(encode+decode)/copy", F(report.OverheadVsCopy, "0.0")),
            ];
            foreach (var (name, value) in rows) table.AddRow(name, Markup.Escape(value));
            console.Write(table);
        }
        JsonOutput.Emit(console, settings, JsonSerializer.Serialize(report, ResultJson.Options));
        return ExitCodes.Success;
    }

    private static Tensor Generated(Settings settings)
    {
        var dims = settings.Shape.Split(',', StringSplitOptions.TrimEntries).Select(d =>
            long.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v is >= 1 and <= 1 << 20
                ? v : throw new BadInputException($"--shape: '{d}' is not a dimension from 1 to 1,048,576")).ToArray();
        if (dims.Aggregate(1L, (a, b) => a * b) > 1L << 28)
            throw new BadInputException("--shape: the tensor would exceed 2^28 elements (1 GiB)");
        using var g = new Generator(settings.Seed);
        return randn(dims, generator: g);
    }
}
