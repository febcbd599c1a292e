using System.Diagnostics;
using Frugal.Core.IO;
using Frugal.Core.Plotting;
using Frugal.Core.Randomness;
using Frugal.Core.Reporting;
using Frugal.Core.Results;

namespace Frugal.Core.Experiments;

/// <summary>How <see cref="Reproduction.Run"/> runs.</summary>
/// <param name="Seed">The master seed every experiment's randomness derives from.</param>
/// <param name="Quick">Run each experiment at its small scale.</param>
/// <param name="OutputDirectory">Where the results and the report go.</param>
public sealed record ReproductionOptions(ulong Seed, bool Quick, string OutputDirectory);

/// <summary>Hears how a reproduction goes, to show progress.</summary>
public interface IReproductionObserver
{
    /// <summary>The experiment began.</summary>
    void Started(IExperiment experiment);
    /// <summary>The experiment is <paramref name="fraction"/> (in [0, 1]) done.</summary>
    void Progressed(IExperiment experiment, double fraction);
    /// <summary>The experiment ended, with a result or an error.</summary>
    void Finished(ExperimentOutcome outcome);
}

/// <summary>What a reproduction produced and where it put it.</summary>
public sealed record ReproductionSummary(IReadOnlyList<ExperimentOutcome> Outcomes, string ReportPath,
    string ResultsDirectory)
{
    /// <summary>Whether every experiment produced a result.</summary>
    public bool AllSucceeded => Outcomes.All(o => o.Succeeded);
}

/// <summary>
/// Runs experiments and writes, under the output folder, <c>results/NAME.json</c> (plus the
/// metrics and record tables as CSV) for each, and <c>report/index.html</c> with every plot
/// embedded (the plots also as PNG and SVG under <c>report/plots/</c>). Nothing is written
/// unless the run reaches its end: cancellation leaves the output folder as it was.
/// </summary>
public static class Reproduction
{
    /// <summary>Runs <paramref name="experiments"/> in order and writes their results and the report.</summary>
    /// <param name="experiments">The experiments to run.</param>
    /// <param name="options">Seed, scale and output folder.</param>
    /// <param name="observer">Hears each experiment start, progress and finish.</param>
    /// <param name="cancellation">Stops the run; nothing is written then.</param>
    /// <returns>
    /// Each experiment's outcome (one that failed does not stop the others) and where the files went.
    /// </returns>
    public static ReproductionSummary Run(IReadOnlyList<IExperiment> experiments, ReproductionOptions options,
        IReproductionObserver? observer = null, CancellationToken cancellation = default)
    {
        using var output = OutputFolder.Open(options.OutputDirectory);
        var seeds = new SeedTree(options.Seed);
        var outcomes = new List<ExperimentOutcome>();
        foreach (var experiment in experiments)
        {
            cancellation.ThrowIfCancellationRequested();
            observer?.Started(experiment);
            var outcome = RunOne(experiment, seeds, options.Quick, observer, cancellation);
            outcomes.Add(outcome);
            observer?.Finished(outcome);
        }

        var plots = WriteResults(outcomes, output);
        var report =
            HtmlReport.Render(
            new ReportHeader("Frugal reproduction", options.Seed, options.Quick, DateTimeOffset.UtcNow), outcomes,
            plots);
        AtomicFile.WriteAllText(output.StagedPath("report", "index.html"), report);
        output.Commit("report");
        return new ReproductionSummary(outcomes, Path.Combine(output.Root, "report", "index.html"),
            Path.Combine(output.Root, "results"));
    }

    private static ExperimentOutcome RunOne(IExperiment experiment, SeedTree seeds, bool quick,
        IReproductionObserver? observer, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var progress = new SynchronousProgress<double>(fraction => observer?.Progressed(experiment, fraction));
        var context = new ExperimentContext(seeds.Child(experiment.Name), quick, progress, cancellation);
        try
        {
            var result = experiment.Run(context);
            return new ExperimentOutcome(experiment, result, null, clock.Elapsed);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // One failing experiment must not cost the results of the others: it is reported, and
            // the command's exit code says that something failed.
            return new ExperimentOutcome(experiment, null, $"{e.GetType().Name}: {e.Message}", clock.Elapsed);
        }
    }

    /// <summary>
    /// Writes each result's JSON and CSV files and its plots; returns the PNG of each chart for the report.
    /// </summary>
    private static Dictionary<Chart, byte[]> WriteResults(IEnumerable<ExperimentOutcome> outcomes, OutputFolder output)
    {
        var plots = new Dictionary<Chart, byte[]>(ReferenceEqualityComparer.Instance);
        foreach (var result in outcomes.Select(o => o.Result).OfType<ExperimentResult>())
        {
            AtomicFile.WriteAllText(output.StagedPath("results", $"{result.Name}.json"), ResultJson.Serialize(result));
            AtomicFile.Write(output.StagedPath("results", $"{result.Name}.metrics.csv"), w =>
                ResultCsv.WriteMetrics(result, w));
            foreach (var table in result.Records)
                AtomicFile.Write(output.StagedPath("results", $"{result.Name}.{table.Name}.csv"), w =>
                    ResultCsv.WriteTable(table, w));
            foreach (var chart in result.Charts)
            {
                var png = ChartRenderer.RenderPng(chart);
                var stem = output.StagedPath("report", "plots", $"{result.Name}.{chart.Name}");
                AtomicFile.WriteAllBytes(stem + ".png", png);
                AtomicFile.WriteAllText(stem + ".svg", ChartRenderer.RenderSvg(chart));
                plots[chart] = png;
            }
        }
        return plots;
    }
}
