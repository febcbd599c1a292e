using System.IO.Compression;
using Frugal.Core.Errors;
using Frugal.Core.Randomness;
using Frugal.Graph.Layout;
using Frugal.Graph.Sources;

namespace Frugal.Graph.Tests;

/// <summary>The raw OGB node-property layout (ogbn-arxiv's), from a small fixture written as the files ship.</summary>
public sealed class OgbSourceTests
{
    private static readonly string[] Features = ["0.5,1", "1.5,2", "2.5,3", "3.5,4", "4.5,5", "5.5,6"];

    private static string Fixture(TempFolder folder, string[]? features = null, string[]? edges = null)
    {
        var root = folder.Sub("arxiv");
        Write(root, "raw/node-feat.csv.gz", features ?? Features);
        Write(root, "raw/node-label.csv.gz", ["0", "1", "2", "0", "1", "2"]);
        Write(root, "raw/edge.csv.gz", edges ?? ["0,1", "1,2", "2,3", "3,4", "4,5", "5,0", "0,3"]);
        Write(root, "split/time/train.csv.gz", ["0", "1", "2"]);
        Write(root, "split/time/valid.csv.gz", ["3"]);
        Write(root, "split/time/test.csv.gz", ["4", "5"]);
        return root;
    }

    private static void Write(string root, string name, string[] lines)
    {
        var path = Path.Combine(root, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest);
        using var writer = new StreamWriter(gzip);
        foreach (var line in lines) writer.Write(line + "\n");
    }

    [Fact]
    public void PreparesFeaturesLabelsSplitsAndEdges()
    {
        using var folder = new TempFolder();
        GraphPreprocessor.Run(new OgbSource(Fixture(folder)), folder.Sub("g"), 2, new SeedTree(1));
        var layout = GraphLayout.Open(folder.Sub("g"));
        Assert.Equal((6, 7L, 2, 3), (layout.Meta.Nodes, layout.Meta.Edges, layout.Meta.Features, layout.Meta.Classes));
        Assert.Equal([3L, 1, 2], layout.Meta.SplitSizes);
        var relabel = layout.Relabelling();
        var features = layout.ReadAllFeatures();
        var labels = layout.Labels();
        for (var v = 0; v < 6; v++)
        {
            Assert.Equal(v + 0.5f, features[relabel[v] * 2]);
            Assert.Equal(v % 3, labels[relabel[v]]);
        }
        Assert.Equal(new[] { 4, 5 }.Select(v => relabel[v]).Order(), layout.SplitNodes(2).Order());
    }

    [Fact]
    public void MalformedLinesNameTheFileAndTheLine()
    {
        using var folder = new TempFolder();
        var bad = Assert.Throws<BadInputException>(() =>
            new OgbSource(Fixture(folder, features: ["1,2", "3,4", "x,6", "7,8", "9,10", "11,12"])));
        Assert.Contains("node-feat.csv.gz:3: field feature 1", bad.Message);
        using var other = new TempFolder();
        var range = Assert.Throws<BadInputException>(() => new OgbSource(Fixture(other, edges: ["0,1", "1,6"])));
        Assert.Contains("edge.csv.gz:2: field dst: 6 is out of range", range.Message);
    }
}
