using Frugal.Core.Errors;
using Frugal.Core.Randomness;
using Frugal.Graph.Layout;
using Frugal.Graph.Sources;

namespace Frugal.Graph.Tests;

public sealed class LayoutTests
{
    [Fact]
    public void BucketsHoldExactlyTheirEdgesAndRelabellingIsAPermutation()
    {
        using var folder = new TempFolder();
        var layout = TestGraphs.Classification(folder, 4);
        var meta = layout.Meta;
        Assert.Equal(100, meta.PartitionSize);
        long total = 0;
        foreach (var (i, j) in layout.AllBuckets())
        {
            var edges = layout.ReadBuckets([(i, j)]);
            Assert.All(edges, e => Assert.Equal((i, j), (meta.PartitionOf(e.Head), meta.PartitionOf(e.Tail))));
            total += edges.Length;
        }
        Assert.Equal(meta.Edges, total);
        Assert.Equal(Enumerable.Range(0, meta.Nodes), layout.Relabelling().Order());
        // Training nodes come first (SEQUENTIAL keeps them in the lowest partitions).
        Assert.Equal(Enumerable.Range(0, (int)meta.SplitSizes[0]), layout.SplitNodes(0));
    }

    [Fact]
    public void ExternalSortWritesTheSameFilesAsAnInMemorySort()
    {
        using var folder = new TempFolder();
        var seeds = new SeedTree(3);
        var spilled = GraphPreprocessor.Run(new PowerLawSource(500, 5000, 2, seeds.Child("g")), folder.Sub("a"), 8,
            seeds, maxEdgesInMemory: 700);
        var whole = GraphPreprocessor.Run(new PowerLawSource(500, 5000, 2, seeds.Child("g")), folder.Sub("b"), 8,
            seeds);
        Assert.True(spilled.SpilledRuns >= 6);
        Assert.Equal(0, whole.SpilledRuns);
        foreach (var file in new[] { GraphFiles.Edges, GraphFiles.Buckets, "valid.bin", "test.bin" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(folder.Sub("b"), file)),
                File.ReadAllBytes(Path.Combine(folder.Sub("a"), file)));
    }

    [Fact]
    public void MalformedEdgeLineNamesFileAndLineAndLeavesNoLayout()
    {
        using var folder = new TempFolder();
        var input = folder.Sub("edges.txt");
        File.WriteAllText(input, "# comment\n0 1\n1 2\n2 x\n");
        var e = Assert.Throws<BadInputException>(() => new EdgeListSource(input, null, 1));
        Assert.Contains("edges.txt:4: field dst: 'x' is not a non-negative integer", e.Message);
        File.WriteAllText(input, "0 1\n1 2 3 4\n");
        Assert.Contains("edges.txt:2: 4 fields", Assert.Throws<BadInputException>(() => new EdgeListSource(input,
            null, 1)).Message);
        Assert.Empty(Directory.GetDirectories(folder.Path));
    }

    [Fact]
    public void NodeIdOutOfRangeIsRefused()
    {
        using var folder = new TempFolder();
        var input = folder.Sub("edges.txt");
        File.WriteAllText(input, "0 1\n1 9\n");
        var e = Assert.Throws<BadInputException>(() => new EdgeListSource(input, 5, 1));
        Assert.Contains("edges.txt:2: field dst: 9 is out of range (0 to 4)", e.Message);
    }

    [Fact]
    public void FailedPreprocessLeavesNothingBehind()
    {
        using var folder = new TempFolder();
        var input = folder.Sub("edges.txt");
        File.WriteAllText(input, "0 1\n1 2\n");
        var source = new EdgeListSource(input, null, 1);
        File.WriteAllText(input, "0 1\n1 oops\n"); // changed under our feet: the second read fails
        Assert.Throws<BadInputException>(() => GraphPreprocessor.Run(source, folder.Sub("out"), 2, new SeedTree(1)));
        Assert.Equal([input], Directory.GetFileSystemEntries(folder.Path));
    }

    [Fact]
    public void LayoutOfAnotherVersionIsRefused()
    {
        using var folder = new TempFolder();
        var layout = TestGraphs.Links(folder, 2);
        var meta = Path.Combine(layout.Folder, GraphMeta.FileName);
        File.WriteAllText(meta, File.ReadAllText(meta).Replace("\"version\": 1", "\"version\": 7"));
        var e = Assert.Throws<BadInputException>(() => GraphLayout.Open(layout.Folder));
        Assert.Contains("layout version 7, but this build reads version 1", e.Message);
    }

    [Fact]
    public void CoraPreparesWithThePlanetoidSplit()
    {
        using var folder = new TempFolder();
        var report = GraphPreprocessor.Run(new PlanetoidSource(Core.IO.ReferenceData.Require("graphs/cora")),
            folder.Sub("cora"), 4, new SeedTree(1));
        Assert.Equal(2708, report.Meta.Nodes);
        Assert.Equal(5278, report.Meta.Edges);
        Assert.Equal([140L, 500, 1000], report.Meta.SplitSizes);
        Assert.Equal(1, report.Meta.TrainingPartitions);
    }
}
