namespace Frugal.Graph.Layout;

/// <summary>The file names of a prepared graph folder (docs/graph.md, "On-disk layout").</summary>
internal static class GraphFiles
{
    public const string Features = "features.bin";
    public const string Edges = "edges.bin";
    public const string Buckets = "buckets.idx";
    public const string Labels = "labels.bin";
    public const string Relabel = "relabel.bin";
    public const string Embeddings = "embeddings.bin";
    public const string OptimizerState = "optstate.bin";
    public static readonly string[] Splits = ["train.bin", "valid.bin", "test.bin"];

    /// <summary>Bytes of one edge in edges.bin: source, relation, destination as int32.</summary>
    public const int EdgeBytes = 12;
}
