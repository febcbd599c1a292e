using Frugal.Core.Experiments;
using Frugal.Core.Results;
using Frugal.Recsys.Cluster;
using Frugal.Recsys.Data;
using Frugal.Recsys.Lookahead;
using Frugal.Recsys.Model;

namespace Frugal.Recsys.Experiments;

/// <summary>
/// Bagpipe for <c>frugal reproduce</c>: DLRM on synthetic data at the paper's skew, trained by 2 trainers against an
/// embedding server over shaped loopback TCP (1 ms, 1000 MB/s on the server's links; the all-reduce unshaped, as in
/// the paper) in the sync, LRU and Bagpipe modes. Reports whether
/// the three end on bitwise-equal parameters and losses (they must), and each mode's iteration time broken down into
/// compute, fetch stall and all-reduce. Quick: 120 iterations of 128 samples over tables of Kaggle ÷ 1000 (seconds);
/// full: 400 iterations over Kaggle ÷ 100. Times are wall-clock on this machine: compare them within one run.
/// </summary>
public sealed class BagpipeExperiment : IExperiment
{
    /// <inheritdoc />
    public string Name => "recsys.bagpipe";

    /// <inheritdoc />
    public string Title => "Recsys: Bagpipe's lookahead caching against synchronous and LRU embedding access";

    /// <inheritdoc />
    public string Description =>
        "Trains DLRM with remote embeddings in three modes, checks that they give identical parameters, " +
        "and breaks their iteration time into compute, fetch stall and all-reduce.";

    /// <inheritdoc />
    public ExperimentResult Run(ExperimentContext context)
    {
        var quick = context.Quick;
        var baseConfig = new RunConfig
        {
            Cardinalities = SyntheticCtrGenerator.KaggleCardinalities(quick ? 1000 : 100),
            Model = new ModelConfig(ModelKind.Dlrm, Dim: quick ? 8 : 16), BatchSize = quick ? 128 : 256,
            Iterations = quick ? 120 : 400, Lookahead = quick ? 40 : 200, Trainers = 2,
            Network = new NetworkShape(1, 1000), Seed = context.Seeds.SeedOf("run"),
        };
        var modes = new[] { RecsysMode.Sync, RecsysMode.Lru, RecsysMode.Bagpipe };
        var reports = new List<RunReport>();
        foreach (var mode in modes)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            reports.Add(RecsysCluster.RunAsync(baseConfig with { Mode = mode }, null, null, context.Cancellation)
                .GetAwaiter().GetResult());
            context.ReportProgress(reports.Count / (double)modes.Length);
        }
        var result = context.NewResult(this)
            .WithParameter("trainers", baseConfig.Trainers).WithParameter("batch", baseConfig.BatchSize)
            .WithParameter("iterations", baseConfig.Iterations).WithParameter("lookahead", baseConfig.Lookahead)
            .WithParameter("tables", baseConfig.Cardinalities.Length)
            .WithParameter("rows", baseConfig.Cardinalities.Sum(n => (long)n))
            .WithParameter("latency ms", baseConfig.Network.LatencyMs)
            .WithParameter("bandwidth MB/s", baseConfig.Network.BandwidthMBps)
            .WithParameter("shaped links", baseConfig.ShapedLinks.ToString().ToLowerInvariant());
        var identical = reports.All(r => r.ParameterHash == reports[0].ParameterHash
            && r.Losses.SequenceEqual(reports[0].Losses));
        result.WithMetric("modes bitwise identical", identical ? 1 : 0);
        var table = new RecordTable("iteration time", [
            new Column("mode", ColumnKind.Text), new Column("total", Unit: "ms"), new Column("compute", Unit: "ms"),
            new Column("fetch stall", Unit: "ms"), new Column("all-reduce", Unit: "ms"),
                new Column("other", Unit: "ms"),
            new Column("rows fetched"), new Column("SyncNow share"), new Column("final loss"),
            new Column("parameter hash", ColumnKind.Text),
        ]);
        var parts = new[] { "compute", "fetch stall", "all-reduce", "other" };
        var bars = parts.Select(_ => new double[modes.Length]).ToArray();
        for (var m = 0; m < modes.Length; m++)
        {
            var r = reports[m];
            var total = Ms(r.MeanIteration(t => t.Total, 1));
            var compute = Ms(r.MeanIteration(t => t.Compute, 1));
            var stall = Ms(r.MeanIteration(t => t.FetchStall, 1));
            var reduce = Ms(r.MeanIteration(t => t.AllReduce, 1));
            var other = Math.Max(0, total - compute - stall - reduce);
            (bars[0][m], bars[1][m], bars[2][m], bars[3][m]) = (compute, stall, reduce, other);
            var synchronised = r.Trainers[0].CriticalRows + r.Trainers[0].DeferredRows
                + r.Trainers.Sum(t => t.UnsynchronisedRows);
            table.Add(Label(modes[m]), total, compute, stall, reduce, other, r.Trainers.Sum(t => t.RowsFetched),
                synchronised == 0 ? 0 : r.Trainers[0].CriticalRows / (double)synchronised, r.Losses[^1],
                    r.ParameterHash);
            result.WithMetric($"{Label(modes[m])} ms per iteration", total, "ms");
        }
        result.WithMetric("bagpipe speedup over sync",
            reports[0].MeanIteration(t => t.Total, 1) / reports[2].MeanIteration(t => t.Total, 1), "x");
        result.Records.Add(table);
        result.Charts.Add(new Chart("iteration-breakdown", ChartKind.Bar, "Iteration time by part and mode", "mode",
            "ms per iteration", [.. parts.Select((p, i) => new Series(p, [0, 1, 2], bars[i]))])
        {
            Categories = [.. modes.Select(Label)],
        });
        result.Summary = identical
            ? "sync, lru and bagpipe ended on bitwise-identical parameters and losses"
            : "the modes' parameters differ (a consistency bug)";
        return result;
    }

    private static double Ms(double seconds) => seconds * 1000;

    private static string Label(RecsysMode mode) => mode.ToString().ToLowerInvariant();
}
