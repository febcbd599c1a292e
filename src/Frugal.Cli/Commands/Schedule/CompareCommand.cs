using System.ComponentModel;
using Frugal.Cli.Rendering;
using Frugal.Core.Experiments;
using Frugal.Core.Randomness;
using Frugal.Core.Results;
using Frugal.Scheduling.Experiments;
using Frugal.Scheduling.Iteration;
using Frugal.Scheduling.Policies;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Schedule;

/// <summary><c>frugal schedule compare</c>: several policies on one trace; a table, plots and an HTML report.</summary>
internal sealed class CompareCommand(IAnsiConsole console) : Command<CompareCommand.Settings>
{
    /// <summary>The inputs, and the policies.</summary>
    public sealed class Settings : ScheduleSettings
    {
        [CommandOption("--policies <NAMES>")]
        [Description(
            "Comma-separated policy names or aliases (default: shockwave and all eight baselines); jigsaw adds " +
            "JigSaw and its iteration-level baseline.")]
        public string? Policies { get; init; }

        /// <summary>The names given, or every policy.</summary>
        public IReadOnlyList<string> PolicyNames =>
            Policies?.Split(',', StringSplitOptions.TrimEntries)
            ?? PolicyCatalog.Policies.Names;

        private protected override string PolicyFlag => "--policies";

        /// <summary>The round-level policies named (all but jigsaw).</summary>
        public IReadOnlyList<string> RoundPolicies => [.. PolicyNames.Where(p => !JigSawComparison.Names(p))];

        /// <summary>Whether jigsaw is among the policies.</summary>
        public bool WithJigSaw => PolicyNames.Any(JigSawComparison.Names);

        private protected override void CheckPolicies()
        {
            if (RoundPolicies.Count > 0 || !WithJigSaw) PolicyCatalog.Policies.GetAll(RoundPolicies);
        }

        /// <summary>The report is written after the simulations: an unwritable folder is found before them.</summary>
        protected override bool WritesOutputFolder => true;
    }

    /// <inheritdoc/>
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var cluster = settings.ClusterSpec();
        var options = settings.Options();
        var shockwave = settings.Shockwave(cluster);
        var jigsaw = settings.JigSaw();

        var (comparison, summary) = ScheduleProgress.Run(console, settings, progress =>
        {
            progress.Step("reading the inputs");
            var (trace, throughputs) = settings.Load();
            var experiment = new PolicyComparisonExperiment(
                trace, throughputs, cluster, settings.RoundPolicies, options, shockwave, settings.WithJigSaw);
            var run = new ExperimentContext(new SeedTree(settings.Seed).Child(experiment.Name), quick: false,
                progress.Step(experiment.Description), cancellation);
            var comparison = experiment.Compare(run);
            if (settings.WithJigSaw)
            {
                var iteration = JigSawComparison.Run(trace.Value, throughputs.Value, cluster, SpbProfiles.Default(),
                    jigsaw, progress.Step("jigsaw and its iteration-level baseline"), cancellation);
                comparison = comparison with { Runs = [.. comparison.Runs, .. iteration.Runs] };
            }
            progress.Step("writing the results and the report");
            var result = new ComputedExperiment(experiment, comparison.ToExperimentResult(run, experiment));
            var written = new ReproductionOptions(settings.Seed, Quick: false, settings.Out);
            return (comparison, Reproduction.Run([result], written, observer: null, cancellation));
        });

        if (!settings.JsonOnConsole)
        {
            ScheduleView.Comparison(console, comparison.Runs, comparison.Published);
            console.MarkupLineInterpolated($"Report: [link]{summary.ReportPath}[/]");
        }
        JsonOutput.Emit(console, settings, comparison.ToJson());
        return ExitCodes.Success;
    }

    /// <summary>
    /// An experiment that has already run, so that <see cref="Reproduction"/> only writes its result and report.
    /// </summary>
    private sealed class ComputedExperiment(IExperiment experiment, ExperimentResult result) : IExperiment
    {
        public string Name => experiment.Name;
        public string Title => experiment.Title;
        public string Description => experiment.Description;
        public ExperimentResult Run(ExperimentContext context) => result;
    }
}
