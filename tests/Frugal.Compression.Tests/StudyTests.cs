using Frugal.Compression.Data;
using Frugal.Compression.Experiments;
using Frugal.Compression.Study;
using Frugal.Core.Errors;
using Frugal.Core.Experiments;
using Frugal.Core.Randomness;

namespace Frugal.Compression.Tests;

public sealed class StudyTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("frugal-compression-").FullName;

    private static readonly StudySettings Tiny = StudySettings.Presets.Get("quick") with
    {
        Methods = ["ae", "q8"],
        Steps = 3,
        Links = ["100us/1Gbps"],
    };

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void QuickExperimentRunsAndSameSeedGivesSameMetrics()
    {
        var experiment = new CompressionStudyExperiment();
        var a = experiment.Run(new ExperimentContext(new SeedTree(7).Child(experiment.Name), quick: true));
        var b = experiment.Run(new ExperimentContext(new SeedTree(7).Child(experiment.Name), quick: true));
        var runs = a.Table("runs");
        Assert.Equal(4, runs.Rows.Count); // none, ae, topk, q4 on TP2xPP2
        Assert.Equal(runs.Numbers("perplexity"), b.Table("runs").Numbers("perplexity"));
        Assert.Equal(runs.Numbers("bytes per step"), b.Table("runs").Numbers("bytes per step"));
        Assert.Contains(a.Charts, c => c.Name == "codec-overhead");
    }

    [Fact]
    public void AResumedStudySkipsFinishedRunsAndRefusesOtherSettings()
    {
        var path = Path.Combine(_folder, "study.jsonl");
        var seeds = new SeedTree(1);
        IReadOnlyList<RunRecord> first;
        using (var log = StudyLog.Open(path, Tiny, resume: false))
        {
            // Stop after the first run: a cancelled study keeps what it finished.
            var cancel = new CancellationTokenSource();
            Assert.Throws<OperationCanceledException>(() => CompressionStudy.Run(Tiny, seeds, log,
                (done, _, _) => { if (done == 1) cancel.Cancel(); }, cancel.Token));
        }
        File.AppendAllText(path, "{\"key\":"); // a line cut short by a kill
        using (var log = StudyLog.Open(path, Tiny, resume: true))
        {
            Assert.Single(log.Finished);
            var started = new List<RunKey?>();
            first = CompressionStudy.Run(Tiny, seeds, log, (_, _, key) => started.Add(key));
            Assert.Equal(Tiny.Runs.Count - 1, started.Count(k => k is not null));
        }
        Assert.Equal(Tiny.Runs.Count + 1, File.ReadAllLines(path).Length);
        var other = Assert.Throws<BadInputException>(() => StudyLog.Open(path, Tiny with { Steps = 4 }, true));
        Assert.Contains("field steps is 3 in the file but 4 now", other.Message);
        Assert.Equal(StudyLog.ResumeSetting,
            Assert.Throws<BadInputException>(() => StudyLog.Open(path, Tiny, resume: false)).Setting);
        Assert.Equal(Tiny.Runs.Count + 1, File.ReadAllLines(path).Length); // nothing lost
        Assert.Equal(first.Count, Tiny.Runs.Count);
    }

    [Fact]
    public void GridFilesAreReadAndTheirErrorsNameFileLineAndField()
    {
        var path = Path.Combine(_folder, "grid.txt");
        File.WriteAllText(path, "# a grid\nmethods = none, ae, q4\nratios = 2, 8\nparallelism = TP2, PP2\n" +
                                "links = 100us/1Gbps\nsteps = 5\nwarmup = 1\n");
        var grid = StudySettings.ReadGrid(path);
        Assert.Equal(["none", "ae", "q4"], grid.Methods);
        Assert.Equal(2 * (1 + 2 + 1), grid.Runs.Count); // none and q4 once, ae at two ratios, on two layouts
        File.WriteAllText(path, "methods = none\nratios = 4, 0.5\n");
        Assert.Equal("grid.txt:2: field ratios: compression ratio 0.5 must be a finite number of at least 1",
            Assert.Throws<BadInputException>(() => StudySettings.ReadGrid(path)).Message);
        File.WriteAllText(path, "steps = many\n");
        Assert.StartsWith("grid.txt:1: field steps:", Assert.Throws<BadInputException>(() =>
            StudySettings.ReadGrid(path)).Message);
        File.WriteAllText(path, "colour = red\n");
        Assert.StartsWith("grid.txt:1: field colour: unknown field", Assert.Throws<BadInputException>(() =>
            StudySettings.ReadGrid(path)).Message);
        File.WriteAllText(path, "methods = zip\n");
        Assert.Contains("unknown codec 'zip'", Assert.Throws<BadInputException>(() =>
            StudySettings.ReadGrid(path)).Message);
        File.WriteAllText(path, "parallelism = TP3\n");
        Assert.Contains("must divide", Assert.Throws<BadInputException>(() => StudySettings.ReadGrid(path)).Message);
    }

    [Fact]
    public void GridsTakeCodecSpecsAndCompressBackwardForEveryQuantisingMethod()
    {
        var path = Path.Combine(_folder, "grid.txt");
        File.WriteAllText(path, "methods = ae, q4+RMS, q2, circulant, srht\nratios = 4, 8\ncompress-backward = true\n" +
                                "parallelism = TP2\n");
        var grid = StudySettings.ReadGrid(path);
        Assert.Equal(["none", "ae", "q4+rms+backward", "q2+backward", "ct", "srht"], grid.MethodsRun);
        Assert.Equal(1 + 2 + 1 + 1 + 2 + 2, grid.Runs.Count); // sketches take a ratio, quantisation does not
        File.WriteAllText(path, "methods = topk+stochastic\n");
        Assert.Equal("grid.txt:1: field methods: stochastic rounding applies to quantisation (q8, q4, q2), not topk",
            Assert.Throws<BadInputException>(() => StudySettings.ReadGrid(path)).Message);
        File.WriteAllText(path, "compress-backward = maybe\n");
        Assert.StartsWith("grid.txt:1: field compress-backward:", Assert.Throws<BadInputException>(() =>
            StudySettings.ReadGrid(path)).Message);
        var paperSmall = StudySettings.Presets.Get("paper-small").MethodsRun;
        Assert.Contains("srht", paperSmall);
        Assert.Contains("q4+backward", paperSmall);
    }

    [Fact]
    public void MarkovSourceKnowsItsEntropyAndClassesFollowCounts()
    {
        var source = new MarkovSource(4, 1, new SeedTree(1).Stream("s"));
        Assert.InRange(source.Entropy, 0.01, Math.Log(4));
        var (tokens, targets) = source.Batch(3, 10, new Random(1));
        Assert.Equal([3L, 10], tokens.shape);
        Assert.True(tokens[.., 1..].eq(targets[.., ..9]).all().item<bool>());
        var task = new CountClassification(5, 3, new SeedTree(1).Stream("t"));
        var (_, labels) = task.Batch(50, 8, new Random(2));
        Assert.Equal([50L], labels.shape);
        Assert.True(labels.max().item<long>() < 3);
    }

    [Fact]
    public void ExtrapolationCoversThePaperSweep()
    {
        var points = Extrapolation.Run(new DeviceModel(Link: "100us/1Gbps"));
        Assert.Equal(Extrapolation.Hiddens.Length * 3 * 4 * Extrapolation.Methods.Length, points.Count);
        Assert.All(points.Where(p => p.Method == "none"), p => Assert.Equal(1, p.Speedup, 9));
        Assert.Contains(points, p => p.Method == "ae" && p.Speedup > 1);
        // A sketch costs the model what the autoencoder does at the same ratio.
        Assert.Equal(points.Where(p => p.Method == "ae").Select(p => p.StepSeconds),
            points.Where(p => p.Method == "srht").Select(p => p.StepSeconds));
        // Quantised backward messages: less communication, more codec work.
        var backward = Extrapolation.Run(new DeviceModel(Link: "100us/1Gbps", CompressBackward: true));
        var (plain, packed) = (points.First(p => p.Method == "q4" && p.Hidden == 25600),
            backward.First(p => p.Method == "q4" && p.Hidden == 25600));
        Assert.True(packed.CommunicationShare < plain.CommunicationShare);
        Assert.Equal(points.Where(p => p.Method == "ae"), backward.Where(p => p.Method == "ae"));
    }

    [Fact]
    public void CostModelCountsQuantisedBackwardMessagesAtTheirPackedSize()
    {
        // One point by hand: h = 1024, 1 layer, batch 16, T = 4, s = 512, fp16, q4 at 1 GB/s, 0 latency.
        var device = new DeviceModel(Teraflops: 100, MemoryGigabytesPerSecond: 900, Link: "0us/8Gbps",
            CompressBackward: true);
        var point = Extrapolation.Run(device).First(p => p.Method == "q4" && p.Hidden == 1024 && p.Layers == 1 &&
                                                          p.Batch == 16);
        double elements = 512.0 * 16 * 1024, n = 2 * elements, m = elements / 2 + 2 * 1024;
        var compute = 3 * (24 * 512.0 * 16 * 1024 * 1024 + 4 * 512.0 * 512 * 16 * 1024) / 4 / 100e12;
        var codec = 2 * (4 + 2 * 4) * n / 900e9;  // forward and backward quantisation
        var communication = 2 * (3 * m / 1e9 + 3 * m / 1e9); // two reductions, an all-gather each way
        Assert.Equal(compute + 2 * codec + communication, point.StepSeconds, 12);
        Assert.Equal(communication / point.StepSeconds, point.CommunicationShare, 9);
    }
}
