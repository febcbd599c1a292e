using System.Globalization;
using System.Text.RegularExpressions;
using Frugal.Compression.Codecs;
using Frugal.Compression.Simulation;
using Frugal.Core.Catalogs;
using Frugal.Core.Errors;
using Frugal.Core.IO;

namespace Frugal.Compression.Study;

/// <summary>A parallel layout: tensor-parallel degree T × pipeline degree S, written <c>TP2xPP2</c>, <c>PP4</c>,
/// <c>TP4</c>.</summary>
public sealed partial record Parallelism(int Tensor, int Pipeline)
{
    /// <summary>As written and parsed.</summary>
    public override string ToString() => (Tensor, Pipeline) switch
    {
        (1, 1) => "TP1",
        (_, 1) => $"TP{Tensor}",
        (1, _) => $"PP{Pipeline}",
        _ => $"TP{Tensor}xPP{Pipeline}",
    };

    /// <summary>Parses <c>TPn</c>, <c>PPn</c> or <c>TPnxPPm</c>.</summary>
    /// <exception cref="BadInputException">Another form.</exception>
    public static Parallelism Parse(string text)
    {
        var m = Pattern().Match(text.Trim());
        if (!m.Success || (!m.Groups[1].Success && !m.Groups[2].Success))
            throw new BadInputException($"'{text}' is not a layout: write TP2, PP4 or TP2xPP2", "parallelism");
        static int Degree(Group g) => g.Success && int.TryParse(g.Value, CultureInfo.InvariantCulture, out var d) &&
                                      d is >= 1 and <= 64
            ? d : g.Success ? throw new BadInputException($"degree '{g.Value}' must lie in [1, 64]", "parallelism") : 1;
        return new Parallelism(Degree(m.Groups[1]), Degree(m.Groups[2]));
    }

    [GeneratedRegex(@"^(?:TP(\d+))?(?:x?PP(\d+))?$", RegexOptions.IgnoreCase)]
    private static partial Regex Pattern();
}

/// <summary>
/// A study's grid and model (design §6.5): methods × ratios × layouts × links × seeds, each run training the same
/// model for a fixed number of steps. Fixed-ratio methods (none, q8, q4, q2) run once per layout and seed;
/// <c>none</c> always runs, as the baseline of every speedup.
/// </summary>
public sealed record StudySettings
{
    /// <summary>Codec specs: a name, with quantisation's options after it (<c>q4+stochastic</c>).</summary>
    public string[] Methods { get; init; } = ["none", "ae", "topk", "q4"];

    /// <summary>Target ratios ρ for the methods that take one.</summary>
    public double[] Ratios { get; init; } = [4, 16];

    /// <summary>Layouts, e.g. <c>TP2xPP2</c>.</summary>
    public string[] Parallelism { get; init; } = ["PP2", "TP2"];

    /// <summary>Links, e.g. <c>100us/1Gbps</c>.</summary>
    public string[] Links { get; init; } = ["10us/100Gbps", "50us/10Gbps", "100us/1Gbps"];

    /// <summary>Seeds per cell.</summary>
    public int Seeds { get; init; } = 1;

    /// <summary>Training steps per run.</summary>
    public int Steps { get; init; } = 40;

    /// <summary>Uncompressed steps at the start (the paper's 300, scaled to the run).</summary>
    public int Warmup { get; init; } = 4;

    /// <summary>Model layers.</summary>
    public int Layers { get; init; } = 2;

    /// <summary>Hidden size.</summary>
    public int Hidden { get; init; } = 64;

    /// <summary>Attention heads.</summary>
    public int Heads { get; init; } = 4;

    /// <summary>Sequence length.</summary>
    public int Sequence { get; init; } = 32;

    /// <summary>Micro-batches per step.</summary>
    public int MicroBatches { get; init; } = 2;

    /// <summary>Sequences per micro-batch.</summary>
    public int MicroBatchSize { get; init; } = 8;

    /// <summary><c>markov</c> (language model), <c>classify</c> (accuracy) or a UTF-8 text file's path.</summary>
    public string Data { get; init; } = "markov";

    /// <summary><c>gpipe</c> or <c>1f1b</c>.</summary>
    public string Schedule { get; init; } = "1f1b";

    /// <summary>First tensor-parallel layer compressed; null: the later half.</summary>
    public int? StartLayer { get; init; }

    /// <summary>Adam's learning rate.</summary>
    public double LearningRate { get; init; } = 3e-3;

    /// <summary>Validation batches (of one micro-batch's size).</summary>
    public int ValidationBatches { get; init; } = 4;

    /// <summary>libtorch threads.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Quantise the backward messages of every quantising method too (its <c>backward</c> option).</summary>
    public bool CompressBackward { get; init; }

    /// <summary>Presets by name.</summary>
    public static Catalog<StudySettings> Presets { get; } = new Catalog<StudySettings>("preset")
        .Add("quick", new StudySettings
        {
            Methods = ["none", "ae", "topk", "q4"], Ratios = [8], Parallelism = ["TP2xPP2"], Steps = 6, Warmup = 1,
            Layers = 2, Hidden = 32, Heads = 4, Sequence = 16, MicroBatchSize = 4, ValidationBatches = 1,
        }, "seconds: a 2-layer model, four methods, one layout")
        .Add("paper-small", new StudySettings
        {
            Methods =
            [
                "none", "ae", "topk", "topk-ef", "randk", "q8", "q4", "q2", "lowrank", "srht", "ct", "q4+stochastic",
                "q4+rms", "q4+backward",
            ],
            Ratios = [4, 16, 64], Parallelism = ["PP2", "PP4", "TP2", "TP4", "TP2xPP2"], Steps = 60, Warmup = 6,
            Layers = 4, Hidden = 64, Heads = 4, Sequence = 32, MicroBatches = 2, MicroBatchSize = 8,
            ValidationBatches = 4,
        }, "the design's grid at a small scale (minutes)");

    /// <summary>The methods run: the canonical specs of those named (with the backward option where
    /// <see cref="CompressBackward"/> sets it), <c>none</c> first.</summary>
    public IReadOnlyList<string> MethodsRun =>
        [.. new[] { "none" }.Concat(Methods.Select(RunSpec)).Distinct()];

    private string RunSpec(string method)
    {
        var settings = CodecSettings.Parse(method);
        if (CompressBackward && CodecCatalog.Quantises(settings.Check()))
            settings = settings with { CompressBackward = true };
        return settings.CanonicalSpec();
    }

    /// <summary>Every run of the grid, in order.</summary>
    public IReadOnlyList<RunKey> Runs =>
    [
        .. from p in Parallelism.Select(Study.Parallelism.Parse)
        from m in MethodsRun
        from r in CodecCatalog.FixedRatio(m) ? [(double?)null] : Ratios.Select(x => (double?)x)
        from seed in Enumerable.Range(0, Seeds)
        select new RunKey(m, r, p.ToString(), seed),
    ];

    /// <summary>Checks every field; the message names the field.</summary>
    /// <exception cref="BadInputException">A field out of range or an unknown name.</exception>
    public void Check()
    {
        static void Need(bool ok, string field, string what)
        {
            if (!ok) throw new BadInputException($"field {field}: {what}", field);
        }
        Need(Methods.Length > 0, "methods", "name at least one method");
        foreach (var m in Methods) CodecSettings.Parse(m).CanonicalSpec();
        Need(Ratios.Length > 0, "ratios", "give at least one ratio");
        foreach (var r in Ratios) CodecSettings.CheckRatio(r);
        Need(Parallelism.Length > 0, "parallelism", "name at least one layout");
        Need(Links.Length > 0, "links", "name at least one link");
        foreach (var l in Links) LinkModel.Parse(l);
        StepSimulator.Schedules.Canonical(Schedule);
        Need(Seeds is >= 1 and <= 100, "seeds", "must lie in [1, 100]");
        Need(Steps is >= 1 and <= 100_000, "steps", "must lie in [1, 100000]");
        Need(Warmup >= 0 && Warmup < Steps, "warmup", "must lie in [0, steps)");
        Need(MicroBatches is >= 1 and <= 256, "micro-batches", "must lie in [1, 256]");
        Need(MicroBatchSize is >= 1 and <= 4096, "micro-batch-size", "must lie in [1, 4096]");
        Need(ValidationBatches is >= 1 and <= 10_000, "validation-batches", "must lie in [1, 10000]");
        Need(Threads is >= 1 and <= 256, "threads", "must lie in [1, 256]");
        Need(LearningRate > 0 && double.IsFinite(LearningRate), "learning-rate", "must be a positive number");
        Need(Hidden is >= 1 and <= 16_384 && Layers is >= 1 and <= 256 && Sequence is >= 1 and <= 8192,
            "model", "layers, hidden and sequence must be positive and modest");
        foreach (var p in Parallelism.Select(Study.Parallelism.Parse))
            new Model.TransformerConfig(Layers, Hidden, Heads, Sequence).Check(p.Tensor, p.Pipeline);
    }

    /// <summary>
    /// Reads a grid file: one <c>field = value</c> per line (lists comma-separated), <c>#</c> comments; fields not
    /// given keep the paper-small preset's values.
    /// </summary>
    /// <exception cref="BadInputException">A bad line, naming file, line and field.</exception>
    public static StudySettings ReadGrid(string path)
    {
        var settings = Presets.Get("paper-small");
        var name = Path.GetFileName(path);
        using var reader = InputFile.OpenText(path, "grid file", 1 << 20);
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var text = line.Split('#')[0].Trim();
            if (text.Length == 0) continue;
            var eq = text.IndexOf('=');
            if (eq < 0) throw new BadInputException($"{name}:{lineNumber}: expected 'field = value'");
            var field = text[..eq].Trim().ToLowerInvariant();
            var value = text[(eq + 1)..].Trim();
            try
            {
                settings = With(settings, field, value);
                settings.CheckField(field);
            }
            catch (BadInputException e)
            {
                throw new BadInputException($"{name}:{lineNumber}: field {field}: {StripField(e.Message, field)}");
            }
        }
        try
        {
            settings.Check();
        }
        catch (BadInputException e)
        {
            throw new BadInputException($"{name}: {e.Message}");
        }
        return settings;
    }

    private static string StripField(string message, string field) =>
        message.StartsWith($"field {field}: ", StringComparison.Ordinal) ? message[($"field {field}: ").Length..]
            : message;

    // Field-level checks that need no other field, so the error names the line that set it.
    private void CheckField(string field)
    {
        switch (field)
        {
            case "methods":
                foreach (var m in Methods) CodecSettings.Parse(m).CanonicalSpec();
                break;
            case "ratios":
                foreach (var r in Ratios) CodecSettings.CheckRatio(r);
                break;
            case "parallelism":
                foreach (var p in Parallelism) Study.Parallelism.Parse(p);
                break;
            case "links":
                foreach (var l in Links) LinkModel.Parse(l);
                break;
            case "schedule":
                StepSimulator.Schedules.Canonical(Schedule);
                break;
        }
    }

    private static StudySettings With(StudySettings s, string field, string value)
    {
        string[] List() =>
            [.. value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
        int Int() => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v
            : throw new BadInputException($"'{value}' is not a whole number");
        bool Flag() => value.ToLowerInvariant() switch
        {
            "true" or "yes" or "on" => true,
            "false" or "no" or "off" => false,
            _ => throw new BadInputException($"'{value}' is not true or false"),
        };
        double Number(string x) => double.TryParse(x, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? v : throw new BadInputException($"'{x}' is not a number");
        return field switch
        {
            "methods" => s with { Methods = List() },
            "ratios" => s with { Ratios = [.. List().Select(Number)] },
            "parallelism" => s with { Parallelism = List() },
            "links" => s with { Links = List() },
            "seeds" => s with { Seeds = Int() },
            "steps" => s with { Steps = Int() },
            "warmup" => s with { Warmup = Int() },
            "layers" => s with { Layers = Int() },
            "hidden" => s with { Hidden = Int() },
            "heads" => s with { Heads = Int() },
            "sequence" => s with { Sequence = Int() },
            "micro-batches" => s with { MicroBatches = Int() },
            "micro-batch-size" => s with { MicroBatchSize = Int() },
            "data" => s with { Data = value },
            "schedule" => s with { Schedule = value },
            "start-layer" => s with { StartLayer = Int() },
            "learning-rate" => s with { LearningRate = Number(value) },
            "validation-batches" => s with { ValidationBatches = Int() },
            "threads" => s with { Threads = Int() },
            "compress-backward" => s with { CompressBackward = Flag() },
            _ => throw new BadInputException("unknown field; known: methods, ratios, parallelism, links, seeds, " +
                                             "steps, warmup, layers, hidden, heads, sequence, micro-batches, " +
                                             "micro-batch-size, data, schedule, start-layer, learning-rate, " +
                                             "validation-batches, threads, compress-backward"),
        };
    }
}

/// <summary>One run of a study grid.</summary>
/// <param name="Method">The codec's name.</param>
/// <param name="Ratio">The target ratio (null for fixed-ratio methods).</param>
/// <param name="Parallelism">The layout, e.g. <c>TP2xPP2</c>.</param>
/// <param name="Seed">The seed index.</param>
public sealed record RunKey(string Method, double? Ratio, string Parallelism, int Seed)
{
    /// <summary>As shown in progress and tables.</summary>
    public override string ToString() =>
        $"{Method}{(Ratio is { } r ? string.Create(CultureInfo.InvariantCulture, $" ρ={r:0.##}") : "")} " +
        $"{Parallelism} seed {Seed}";
}
