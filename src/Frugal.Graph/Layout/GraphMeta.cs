using System.Text.Json;
using Frugal.Core.Errors;
using Frugal.Core.IO;
using Frugal.Core.Results;

namespace Frugal.Graph.Layout;

/// <summary>What a graph is prepared for: node classification or link prediction.</summary>
public enum GraphTask
{
    /// <summary>Node classification: features, labels and node splits.</summary>
    NodeClassification,

    /// <summary>Link prediction: relations, and edge splits.</summary>
    LinkPrediction,
}

/// <summary>
/// <c>meta.json</c> of a prepared graph folder: the sizes and the partitioning that the binary files follow.
/// Partition k holds the node ids [k·S, min(N, (k+1)·S)), S = <see cref="PartitionSize"/>.
/// </summary>
public sealed record GraphMeta
{
    /// <summary>The layout version this build writes and reads; a folder of another version is refused.</summary>
    public const int CurrentVersion = 1;

    /// <summary>The file name of the metadata.</summary>
    public const string FileName = "meta.json";

    /// <summary>The layout version of the folder.</summary>
    public int Version { get; init; } = CurrentVersion;

    /// <summary>What the graph is for.</summary>
    public GraphTask Task { get; init; }

    /// <summary>Where the graph came from (format and input), for the record.</summary>
    public string Source { get; init; } = "";

    /// <summary>N, the number of nodes.</summary>
    public int Nodes { get; init; }

    /// <summary>The number of training edges in edges.bin.</summary>
    public long Edges { get; init; }

    /// <summary>R, the number of relations (1 for a plain graph).</summary>
    public int Relations { get; init; } = 1;

    /// <summary>F, the feature dimension (node classification; 0 otherwise).</summary>
    public int Features { get; init; }

    /// <summary>The number of classes (node classification; 0 otherwise).</summary>
    public int Classes { get; init; }

    /// <summary>p, the number of node partitions.</summary>
    public int Partitions { get; init; }

    /// <summary>S = ⌈N / p⌉, the nodes per partition (the last may hold fewer).</summary>
    public int PartitionSize { get; init; }

    /// <summary>Bytes per node id in edges.bin (4).</summary>
    public int IdBytes { get; init; } = 4;

    /// <summary>Training, validation and test nodes (classification) or edges (link prediction).</summary>
    public long[] SplitSizes { get; init; } = [0, 0, 0];

    /// <summary>The number of nodes relabelled first so that they fill the lowest partitions: the
    /// training nodes of a classification graph (they are the first ids), 0 otherwise.</summary>
    public int LeadingTrainingNodes { get; init; }

    /// <summary>The partition of node <paramref name="node"/>.</summary>
    public int PartitionOf(int node) => node / PartitionSize;

    /// <summary>The number of nodes in partition <paramref name="partition"/>.</summary>
    public int NodesIn(int partition) =>
        Math.Max(0, Math.Min(Nodes, (partition + 1) * PartitionSize) - partition * PartitionSize);

    /// <summary>The partitions that hold the leading training nodes (T of the SEQUENTIAL ordering).</summary>
    public int TrainingPartitions =>
        LeadingTrainingNodes == 0 ? 0 : (LeadingTrainingNodes + PartitionSize - 1) / PartitionSize;

    internal void Write(string path) =>
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, ResultJson.Options));

    /// <summary>Reads and checks the metadata of the graph folder <paramref name="folder"/>.</summary>
    /// <exception cref="BadInputException">Not a prepared graph folder, or one of another layout version.</exception>
    public static GraphMeta Read(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
            throw new BadInputException($"graph folder '{folder}': no {FileName} (prepare it with graph preprocess)");
        GraphMeta? meta;
        try
        {
            meta = JsonSerializer.Deserialize<GraphMeta>(InputFile.ReadAllText(path, "graph metadata", 1 << 20),
                ResultJson.Options);
        }
        catch (JsonException e)
        {
            throw new BadInputException($"graph folder '{folder}': {FileName} is not valid: {e.Message}");
        }
        if (meta is null) throw new BadInputException($"graph folder '{folder}': {FileName} is empty");
        if (meta.Version != CurrentVersion)
            throw new BadInputException($"graph folder '{folder}': layout version {meta.Version}, but this build " +
                $"reads version {CurrentVersion}; prepare the graph again");
        if (meta.Nodes < 1 || meta.Partitions < 1 || meta.PartitionSize < 1
            || (long)meta.Partitions * meta.PartitionSize < meta.Nodes || meta.IdBytes != 4)
            throw new CorruptDataException($"graph folder '{folder}': {FileName} has inconsistent sizes");
        return meta;
    }
}
