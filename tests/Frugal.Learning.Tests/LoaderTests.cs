using Frugal.Core.Errors;
using Frugal.Core.IO;
using Frugal.Learning.Data;

namespace Frugal.Learning.Tests;

public sealed class LoaderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("frugal-loaders-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, params string[] lines)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
        return path;
    }

    /// <summary>A synthetic line in the Criteo Kaggle layout (no Criteo data may ship): label, 13 integers,
    /// 26 hashes.</summary>
    private static string CriteoLine(string label = "1", int emptyInteger = -1, int emptyCategory = -1)
    {
        var integers = Enumerable.Range(1, 13)
            .Select(i => i == emptyInteger ? "" : (i == 2 ? "-1" : (i * 10).ToString()));
        var categories = Enumerable.Range(1, 26).Select(c => c == emptyCategory ? "" : $"{0x68fd1e00 + c:x8}");
        return string.Join('\t', new[] { label }.Concat(integers).Concat(categories));
    }

    [Fact]
    public void ReadsCriteoLinesWithMissingValues()
    {
        var path = Write("day.tsv", CriteoLine(), CriteoLine(label: "0", emptyInteger: 1, emptyCategory: 26));

        var examples = CriteoReader.Read(path).ToList();

        Assert.Equal([1, 0], examples.Select(e => e.Label));
        Assert.Equal(10, examples[0].Integers[0]);
        Assert.Equal(-1, examples[0].Integers[1]);
        Assert.Equal(130, examples[0].Integers[12]);
        Assert.Equal(0x68fd1e01u, examples[0].Categoricals[0]);
        Assert.Equal(0x68fd1e1au, examples[0].Categoricals[25]);
        Assert.Null(examples[1].Integers[0]);
        Assert.Null(examples[1].Categoricals[25]);
    }

    [Theory]
    [InlineData("wrong-count", "2: 39 fields, expected 40 (label, I1-I13, C1-C26, tab-separated)")]
    [InlineData("bad-label", "2: field label: '2' is not 0 or 1")]
    [InlineData("bad-integer", "2: field I4: '4x' is not an integer")]
    [InlineData("bad-hash", "2: field C3: 'nothex!!' is not a hashed category (up to 8 hexadecimal digits)")]
    public void MalformedCriteoLinesNameFileLineAndField(string problem, string expected)
    {
        var bad = CriteoLine();
        var fields = bad.Split('\t');
        bad = problem switch
        {
            "wrong-count" => string.Join('\t', fields[..^1]),
            "bad-label" => string.Join('\t', ["2", .. fields[1..]]),
            "bad-integer" => string.Join('\t', fields.Select((f, i) => i == 4 ? "4x" : f)),
            _ => string.Join('\t', fields.Select((f, i) => i == 16 ? "nothex!!" : f)),
        };
        var path = Write("bad.tsv", CriteoLine(), bad);

        var error = Assert.Throws<BadInputException>(() => CriteoReader.Read(path).ToList());
        Assert.Equal($"{path}:{expected}", error.Message);
    }

    [Fact]
    public void AMissingCriteoFileIsReportedAtOnce()
    {
        var path = Path.Combine(_folder, "absent.tsv");
        var error = Assert.Throws<BadInputException>(() => CriteoReader.Read(path));
        Assert.Equal($"Criteo file '{path}': no such file", error.Message);
    }

    [Fact]
    public void LoadsTheShippedCoraGraph()
    {
        var cora = CoraGraph.Load();

        // data/graphs/README.md: 2,708 nodes, 49,216 non-zeros, 5,278 edges, 140/500/1,000 split.
        Assert.Equal(2708, cora.NodeCount);
        Assert.Equal(49216, cora.Features.Sum(f => f.Length));
        Assert.Equal(5278, cora.Edges.Count);
        Assert.Equal(140, cora.Train.Count);
        Assert.Equal(500, cora.Validation.Count);
        Assert.Equal(1000, cora.Test.Count);
        Assert.Equal([351, 217, 418, 818, 426, 298, 180],
            Enumerable.Range(0, 7).Select(c => cora.Labels.Count(l => l == c)));
        Assert.All(cora.Train.GroupBy(n => cora.Labels[n]), g => Assert.Equal(20, g.Count()));
    }

    [Fact]
    public void AMalformedCoraFileNamesFileLineAndField()
    {
        var shipped = ReferenceData.Require("graphs/cora");
        foreach (var file in Directory.GetFiles(shipped, "cora.*.txt"))
            File.Copy(file, Path.Combine(_folder, Path.GetFileName(file)));
        var labels = Path.Combine(_folder, "cora.labels.txt");
        var lines = File.ReadAllLines(labels);
        lines[4] = "9";
        File.WriteAllLines(labels, lines);

        var error = Assert.Throws<BadInputException>(() => CoraGraph.Load(_folder));
        Assert.Equal($"{labels}:5: field class: 9 is out of range (0 to 6)", error.Message);

        lines[4] = "3";
        File.WriteAllLines(labels, lines);
        var edges = Path.Combine(_folder, "cora.edges.txt");
        File.AppendAllText(edges, "7 7\n");
        error = Assert.Throws<BadInputException>(() => CoraGraph.Load(_folder));
        Assert.Equal($"{edges}:5279: edge 7 7: expected u < v", error.Message);
    }

    [Fact]
    public void LoadsTriplesWithIdsInOrderOfFirstAppearance()
    {
        var train = Write("train.txt", "a\tlikes\tb", "b\tlikes\tc");
        var valid = Write("valid.txt", "a\tknows\tc");
        var test = Write("test.txt", "d\tlikes\ta");

        var graph = KnowledgeGraph.Load(train, valid, test);

        Assert.Equal(["a", "b", "c", "d"], graph.Entities);
        Assert.Equal(["likes", "knows"], graph.Relations);
        Assert.Equal([new Triple(0, 0, 1), new Triple(1, 0, 2)], graph.Train);
        Assert.Equal([new Triple(0, 1, 2)], graph.Validation);
        Assert.Equal([new Triple(3, 0, 0)], graph.Test);
    }

    [Fact]
    public void MalformedTriplesNameFileLineAndField()
    {
        var train = Write("train.txt", "a\tlikes\tb", "a\tlikes");
        var valid = Write("valid.txt", "a\tknows\tc");
        Assert.Equal($"{train}:2: 2 fields, expected 3 (head, relation, tail, tab-separated)",
            Assert.Throws<BadInputException>(() => KnowledgeGraph.Load(train, valid, valid)).Message);

        train = Write("train.txt", "a\tlikes\tb", "a\t \tb");
        Assert.Equal($"{train}:2: field relation: empty",
            Assert.Throws<BadInputException>(() => KnowledgeGraph.Load(train, valid, valid)).Message);
    }

    [Fact]
    public void LoadsTheShippedFb15k237()
    {
        var graph = KnowledgeGraph.Load(ReferenceData.Require("graphs/fb15k-237"));

        // data/graphs/README.md: 272,115 / 17,535 / 20,466 triples, 14,541 entities and 237 relations in all.
        Assert.Equal(272115, graph.Train.Count);
        Assert.Equal(17535, graph.Validation.Count);
        Assert.Equal(20466, graph.Test.Count);
        Assert.Equal(14541, graph.Entities.Count);
        Assert.Equal(237, graph.Relations.Count);
        Assert.Equal("/m/027rn", graph.Entities[graph.Train[0].Head]);
    }
}
