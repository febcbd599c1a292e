using Frugal.Core.Errors;
using Frugal.Core.Randomness;
using Frugal.Recsys.Data;

namespace Frugal.Recsys.Cluster;

/// <summary>Opens a run's samples as configured and yields exactly its batches.</summary>
internal static class RunData
{
    /// <summary>The run's batches; <paramref name="cancellation"/> is checked before each (a dry run over a large
    /// data set must stop on Ctrl-C too).</summary>
    public static IEnumerable<CtrBatch> Batches(RunConfig config, CancellationToken cancellation = default)
    {
        using var source = Open(config);
        for (var i = 0; i < config.Iterations; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            yield return source.Next(config.BatchSize) ?? throw new BadInputException(
                $"the data ends before batch {i + 1} of {config.Iterations} ({config.BatchSize} samples each)",
                "iterations");
        }
    }

    private static IBatchSource Open(RunConfig config)
    {
        switch (config.Data)
        {
            case DataKind.BatchFile:
                var reader = BatchFile.Open(config.DataPath!);
                if (!reader.Cardinalities.SequenceEqual(config.Cardinalities))
                {
                    reader.Dispose();
                    throw new BadInputException(
                        $"batch file '{config.DataPath}' was written for tables of " +
                        $"[{string.Join(", ", reader.Cardinalities)}] rows",
                        "tables");
                }
                return reader;
            case DataKind.Criteo:
                return new CriteoBatchSource(config.DataPath!, config.Cardinalities);
            default:
                return new SyntheticCtrGenerator(config.Cardinalities, new SeedTree(config.Seed).Child("data"));
        }
    }
}
