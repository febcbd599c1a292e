using CsCheck;
using Frugal.Core.IO;
using Frugal.Fuzz;
using Frugal.Learning.Data;

namespace Frugal.Learning.Tests.Fuzz;

/// <summary>
/// Damaged data files for the loaders (Criteo TSV, Cora's four files, knowledge-graph triples): each is read or
/// refused with one line of bad input naming the file, never another exception, never a hang.
/// </summary>
public sealed class LoaderFuzzTests : IDisposable
{
    private static readonly string[] CoraFiles =
        ["cora.labels.txt", "cora.features.txt", "cora.edges.txt", "cora.split.txt"];

    private readonly string _root = Directory.CreateTempSubdirectory("frugal-loader-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static Gen<(Damage, Damage)> TwoDamages => Gen.Select(FuzzCheck.Damages, FuzzCheck.Damages);

    [Fact]
    public void ADamagedCriteoFileIsReadOrRefusedInOneLine()
    {
        var line = string.Join('\t', ["1", .. Enumerable.Range(0, 13).Select(i => i % 4 == 0 ? "" : $"{i * 3}"),
            .. Enumerable.Range(0, 26).Select(i => i % 5 == 0 ? "" : $"{i * 2654435761u:x8}")]);
        var sample = System.Text.Encoding.UTF8.GetBytes(string.Join('\n', Enumerable.Repeat(line, 6)) + "\n");
        var path = Path.Combine(_root, "criteo.txt");
        FuzzCheck.ForEach(TwoDamages, 200, c =>
        {
            File.WriteAllBytes(path, c.Item2.Apply(c.Item1.Apply(sample)));
            if (FuzzCheck.Refusal(() => CriteoReader.Read(path).ToList()) is { } refusal)
                Assert.Contains(path, refusal.Message);
        });
    }

    [Fact]
    public void ADamagedCoraFileIsReadOrRefusedInOneLine()
    {
        var original = ReferenceData.Require("graphs/cora");
        FuzzCheck.ForEach(Gen.Select(Gen.Int[0, CoraFiles.Length - 1], FuzzCheck.Damages), 40, c =>
        {
            foreach (var name in CoraFiles) File.Copy(Path.Combine(original, name), Path.Combine(_root, name), true);
            var victim = Path.Combine(_root, CoraFiles[c.Item1]);
            File.WriteAllBytes(victim, c.Item2.Apply(File.ReadAllBytes(victim)));
            if (FuzzCheck.Refusal(() => CoraGraph.Load(_root)) is { } refusal)
                Assert.Contains(_root, refusal.Message);
        });
    }

    [Fact]
    public void DamagedTriplesAreReadOrRefusedInOneLine()
    {
        var sample = System.Text.Encoding.UTF8.GetBytes(
            "/m/a\t/r/likes\t/m/b\n/m/b\t/r/knows\t/m/c\n/m/c\t/r/likes\t/m/a\n");
        var paths = new[] { "train.txt", "valid.txt", "test.txt" }.Select(n => Path.Combine(_root, n)).ToArray();
        FuzzCheck.ForEach(Gen.Select(Gen.Int[0, 2], TwoDamages), 150, c =>
        {
            foreach (var path in paths) File.WriteAllBytes(path, sample);
            File.WriteAllBytes(paths[c.Item1], c.Item2.Item2.Apply(c.Item2.Item1.Apply(sample)));
            if (FuzzCheck.Refusal(() => KnowledgeGraph.Load(_root)) is { } refusal)
                Assert.Contains(_root, refusal.Message);
        });
    }
}
