using System.Globalization;
using Frugal.Core.Errors;
using Frugal.Graph.Layout;
using Frugal.Learning.Data;

namespace Frugal.Graph.Sources;

/// <summary>
/// An OGB node-property dataset in its raw form, as ogbn-arxiv ships it (design §6.5): raw/edge.csv.gz ("src,dst"
/// per line, directed), raw/node-feat.csv.gz (N lines of F comma-separated floats), raw/node-label.csv.gz (one
/// class per line) and split/time/{train,valid,test}.csv.gz (one node id per line); uncompressed .csv files are
/// read too. Features, labels and splits are held in memory (arxiv: 87 MB of features); edges are streamed.
/// Every malformed line is reported with its file and line.
/// </summary>
public sealed class OgbSource : GraphSource
{
    private readonly string _folder;
    private readonly float[] _features;
    private readonly int[] _labels;
    private readonly int[][] _splits;

    /// <exception cref="BadInputException">A missing file, a malformed line or an id out of range.</exception>
    public OgbSource(string folder)
    {
        _folder = folder;
        var rows = new List<float[]>();
        using (var file = DataFile.Open(PathOf("raw", "node-feat"), "OGB node features"))
            while (file.Next() is { } line)
            {
                var fields = line.Split(',');
                if (rows.Count > 0 && fields.Length != rows[0].Length)
                    throw file.Error(null, $"{fields.Length} features, expected {rows[0].Length} as on line 1");
                rows.Add([.. fields.Select((f, k) => Float(file, f, k))]);
            }
        if (rows.Count == 0) throw new BadInputException($"{PathOf("raw", "node-feat")}: no nodes");
        Nodes = rows.Count;
        Features = rows[0].Length;
        _features = [.. rows.SelectMany(r => r)];
        _labels = ReadIds(PathOf("raw", "node-label"), "OGB node labels", int.MaxValue);
        if (_labels.Length != Nodes)
            throw new BadInputException($"{PathOf("raw", "node-label")}: {_labels.Length} labels for {Nodes} nodes");
        Classes = _labels.Max() + 1;
        _splits = [.. new[] { "train", "valid", "test" }.Select(s =>
            ReadIds(PathOf(Path.Combine("split", "time"), s), "OGB split", Nodes))];
        // Every edge is checked now, so a bad line fails before preprocessing starts.
        foreach (var _ in TrainEdges()) { }
    }

    /// <inheritdoc />
    public override GraphTask Task => GraphTask.NodeClassification;

    /// <inheritdoc />
    public override string Description => $"ogb {_folder}";

    /// <inheritdoc />
    public override int Nodes { get; }

    /// <inheritdoc />
    public override int Features { get; }

    /// <inheritdoc />
    public override int Classes { get; }

    /// <inheritdoc />
    public override IEnumerable<Triple> TrainEdges()
    {
        using var file = DataFile.Open(PathOf("raw", "edge"), "OGB edges");
        while (file.Next() is { } line)
        {
            var fields = file.Fields(line, ',', 2, "src,dst");
            yield return new Triple(file.Index(fields[0], "src", Nodes), 0, file.Index(fields[1], "dst", Nodes));
        }
    }

    /// <inheritdoc />
    public override int[] Labels() => _labels;

    /// <inheritdoc />
    public override int[] SplitNodes(int split) => _splits[split];

    /// <inheritdoc />
    public override void FeatureRow(int node, Span<float> row) =>
        _features.AsSpan(node * Features, Features).CopyTo(row);

    // folder/sub/name.csv.gz, or .csv when only that exists.
    private string PathOf(string sub, string name)
    {
        var gz = Path.Combine(_folder, sub, name + ".csv.gz");
        var plain = Path.Combine(_folder, sub, name + ".csv");
        return File.Exists(gz) || !File.Exists(plain) ? gz : plain;
    }

    private static int[] ReadIds(string path, string what, int bound)
    {
        var ids = new List<int>();
        using var file = DataFile.Open(path, what);
        while (file.Next() is { } line) ids.Add(file.Index(line.Trim(), "id", bound));
        return [.. ids];
    }

    private static float Float(DataFile file, string text, int k) =>
        float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && float.IsFinite(value)
            ? value : throw file.Error($"feature {k + 1}", $"'{text}' is not a finite number");
}
