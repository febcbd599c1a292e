using Frugal.Core.Randomness;
using Frugal.Graph.Layout;
using Frugal.Graph.Sources;

namespace Frugal.Graph.Tests;

/// <summary>Small prepared graphs in temporary folders.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } =
        System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"graph-test-{Guid.NewGuid():N}");

    public TempFolder() => Directory.CreateDirectory(Path);

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}

internal static class TestGraphs
{
    public static GraphLayout Classification(TempFolder folder, int partitions, int nodes = 400, string name = "nc")
    {
        var seeds = new SeedTree(11);
        var source = new StochasticBlockSource(nodes, 4, 8, 16, seeds.Child("graph"));
        GraphPreprocessor.Run(source, folder.Sub(name), partitions, seeds.Child("preprocess"));
        return GraphLayout.Open(folder.Sub(name));
    }

    public static GraphLayout Links(TempFolder folder, int partitions, int nodes = 300, long edges = 3000,
        string name = "lp")
    {
        var seeds = new SeedTree(12);
        var source = new PowerLawSource(nodes, edges, 3, seeds.Child("graph"));
        GraphPreprocessor.Run(source, folder.Sub(name), partitions, seeds.Child("preprocess"));
        return GraphLayout.Open(folder.Sub(name));
    }
}
