using Frugal.Core.Experiments;
using Frugal.Core.IO;
using Frugal.Core.Results;

namespace Frugal.Core.Tests;

public sealed class ReproductionTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "frugal-tests-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private sealed class DrawExperiment(string name, Action<ExperimentContext>? before = null) : IExperiment
    {
        public string Name => name;
        public string Title => name;
        public string Description => "draws three numbers";

        public ExperimentResult Run(ExperimentContext context)
        {
            before?.Invoke(context);
            var random = context.Seeds.Stream("draws");
            var result = context.NewResult(this);
            for (var i = 0; i < 3; i++) result.WithMetric($"draw{i}", random.NextDouble());
            result.Charts.Add(new Chart("draws", ChartKind.Bar, "draws", "", "",
                [new Series("d", [], result.Metrics.Select(m => m.Value).ToArray())])
            {
                Categories = ["0", "1", "2"],
            });
            return result;
        }
    }

    [Fact]
    public void WritesJsonCsvPlotsAndReport()
    {
        var summary = Reproduction.Run([new DrawExperiment("a.one")], new ReproductionOptions(1, true, _root));
        Assert.True(summary.AllSucceeded);
        Assert.True(File.Exists(Path.Combine(_root, "report", "index.html")));
        Assert.True(File.Exists(Path.Combine(_root, "report", "plots", "a.one.draws.png")));
        Assert.True(File.Exists(Path.Combine(_root, "report", "plots", "a.one.draws.svg")));
        Assert.True(File.Exists(Path.Combine(_root, "results", "a.one.metrics.csv")));
        var result = ResultJson.Load(Path.Combine(_root, "results", "a.one.json"));
        Assert.Equal("1", result.Parameters["seed"]);
        Assert.Equal("true", result.Parameters["quick"]);
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(_root), e => Path.GetFileName(e).StartsWith('.'));
    }

    [Fact]
    public void AnExperimentSeesTheSameNumbersAloneOrWithOthers()
    {
        var alone =
            Reproduction.Run([new DrawExperiment("b.two")],
            new ReproductionOptions(9, true, Path.Combine(_root, "alone")));
        var together =
            Reproduction.Run([new DrawExperiment("a.one"), new DrawExperiment("b.two")],
            new ReproductionOptions(9, true, Path.Combine(_root, "together")));
        Assert.Equal(alone.Outcomes[0].Result!.Metrics, together.Outcomes[1].Result!.Metrics);
        Assert.NotEqual(together.Outcomes[0].Result!.Metrics.Select(m => m.Value),
            together.Outcomes[1].Result!.Metrics.Select(m => m.Value));
    }

    [Fact]
    public void AFailingExperimentIsReportedAndTheOthersStillWritten()
    {
        var broken = new DrawExperiment("b.broken", _ => throw new InvalidOperationException("boom"));
        var summary = Reproduction.Run([new DrawExperiment("a.one"), broken], new ReproductionOptions(1, true, _root));
        Assert.False(summary.AllSucceeded);
        Assert.Equal("InvalidOperationException: boom", summary.Outcomes[1].Error);
        Assert.True(File.Exists(Path.Combine(_root, "results", "a.one.json")));
        Assert.False(File.Exists(Path.Combine(_root, "results", "b.broken.json")));
        Assert.Contains("boom", File.ReadAllText(Path.Combine(_root, "report", "index.html")));
    }

    [Fact]
    public void CancellationLeavesTheOutputFolderAsItWas()
    {
        Reproduction.Run([new DrawExperiment("a.one")], new ReproductionOptions(1, true, _root));
        var before = Snapshot();
        using var cancellation = new CancellationTokenSource();
        var cancelling = new DrawExperiment("a.one", _ => cancellation.Cancel());
        var later = new DrawExperiment("b.two", c => c.Cancellation.ThrowIfCancellationRequested());
        Assert.ThrowsAny<OperationCanceledException>(() =>
            Reproduction.Run([cancelling, later], new ReproductionOptions(2, true, _root),
                cancellation: cancellation.Token));
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public void AFileInPlaceOfTheFolderIsAClearError()
    {
        Directory.CreateDirectory(_root);
        var file = Path.Combine(_root, "file");
        File.WriteAllText(file, "x");
        var error = Assert.Throws<OutputFolderException>(() => OutputFolder.Open(file));
        Assert.Contains(file, error.Message);
        Assert.Throws<OutputFolderException>(() => OutputFolder.Open(Path.Combine(file, "below")));
    }

    [Fact]
    public void UnknownExperimentNamesAreListedWithTheKnownOnes()
    {
        var catalog =
            new ExperimentCatalog().Register(new DrawExperiment("core.a")).Register(new DrawExperiment("storage.b"));
        Assert.Equal(["core.a"], catalog.Select(["core"]).Select(e => e.Name));
        Assert.Equal(["core.a", "storage.b"], catalog.Select(["storage.b", "core.a"]).Select(e => e.Name));
        var error = Assert.Throws<Frugal.Core.Errors.UnknownNameException>(() => catalog.Select(["nope", "core.a"]));
        Assert.Equal("unknown experiment 'nope'; known: core.a, storage.b", error.Message);
        Assert.Throws<ArgumentException>(() => catalog.Register(new DrawExperiment("core.a")));
    }

    [Fact]
    public void TheDistributionSelfCheckPassesAtQuickScale()
    {
        var experiment = new DistributionFitExperiment();
        var result = experiment.Run(new ExperimentContext(new Randomness.SeedTree(42), quick: true));
        Assert.Equal(result.Metric("generators").Value, result.Metric("passed").Value);
        Assert.Equal(result.Table("fits").Rows.Count, result.Charts.Count);
        Assert.All(result.Table("fits").Rows, row => Assert.Equal("pass", row[^1]));
    }

    private string Snapshot() =>
        string.Join("\n", Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories).Order()
        .Select(f => $"{Path.GetRelativePath(_root, f)} {File.GetLastWriteTimeUtc(f).Ticks} {new FileInfo(f).Length}"));
}
