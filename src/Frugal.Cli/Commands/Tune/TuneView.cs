using System.Globalization;
using Frugal.Core.Results;
using Frugal.Tuning.Comparison;
using Frugal.Tuning.Loop;
using Frugal.Tuning.Spaces;
using Spectre.Console;

namespace Frugal.Cli.Commands.Tune;

/// <summary>Tuning results as terminal tables.</summary>
internal static class TuneView
{
    /// <summary>The best configuration's changed knobs beside their defaults, and the improvement.</summary>
    public static void BestAgainstDefault(IAnsiConsole console, TuningOutcome outcome)
    {
        var metric = outcome.Objective.Metric;
        var table =
            new Table()
            .Title(Markup.Escape(
            $"{outcome.Plan.Method.Name} on {outcome.Plan.TargetName}: best of {outcome.Trials.Count} trials " +
            $"(iteration {outcome.Best.Iteration})"))
            .AddColumn("").AddColumn(new TableColumn("default").RightAligned())
                .AddColumn(new TableColumn("best").RightAligned());
        table.AddRow(Markup.Escape($"{metric} ({(outcome.Objective.Maximize ? "higher" : "lower")} is better)"),
            F(outcome.Estimate(outcome.Default)), F(outcome.Estimate(outcome.Best)));
        table.AddRow("improvement", "",
            $"{outcome.ImprovementPercent.ToString("+0.0;-0.0", CultureInfo.InvariantCulture)} %");
        table.AddRow("failed trials", "", outcome.Trials.Count(t => t.Failed).ToString(CultureInfo.InvariantCulture));
        if (outcome.Verification is { } v)
            table.AddRow(Markup.Escape($"verified ({v.Default.Length} rounds, alternating)"), F(v.MedianDefault),
                $"{F(v.MedianBest)} ({v.ImprovementPercent.ToString("+0.0;-0.0", CultureInfo.InvariantCulture)} %, " +
                $"won {v.RoundsWon})");
        var changed =
            outcome.Plan.Space.Knobs.Where(k => !Equals(k.Default, outcome.Best.Configuration[k.Name])).ToArray();
        const int shown = 20;
        foreach (var knob in changed.Take(shown))
            table.AddRow(Markup.Escape(knob.Name), Markup.Escape(Format.Parameter(knob.Default)),
                Markup.Escape(Format.Parameter(outcome.Best.Configuration[knob.Name])));
        if (changed.Length > shown) table.AddRow($"... and {changed.Length - shown} more changed knobs", "", "");
        if (changed.Length == 0) table.Caption("(no configuration beat the default)");
        console.Write(table);
    }

    public static void Comparison(IAnsiConsole console, IReadOnlyList<MethodSummary> summaries)
    {
        var table = new Table().AddColumn("method");
        foreach (var heading in new[] { "median best", "mean best [[95% CI]]", "trials ratio [[95% CI]]", "reached" })
            table.AddColumn(new TableColumn(heading).RightAligned());
        foreach (var s in summaries)
        {
            var last = s.Band[^1];
            table.AddRow(Markup.Escape(s.Method.Name), F(s.MedianFinalBest),
                $"{F(last.Estimate)} [[{F(last.Lower)}, {F(last.Upper)}]]",
                s.Plain is null ? "" : (s.TrialsRatio is { } r ? $"{F(r)}×" : "n/a")
                    + (s.RatioInterval is { } ci ? $" [[{F(ci.Lower)}, {F(ci.Upper)}]]" : "")
                    + $" vs {Markup.Escape(s.Plain)}",
                s.Plain is null ? "" : $"{s.Reached}/{s.FinalBest.Length}");
        }
        table.Caption(
            "trials ratio: trials the plain optimiser needed to reach its own best ÷ trials the method needed to " +
            "reach that value (median over seeds)");
        console.Write(table);
    }

    public static void Space(IAnsiConsole console, SearchSpace space)
    {
        var table = new Table().Title(Markup.Escape($"{space.Name}: {space.Knobs.Count} knobs"))
            .AddColumn("knob").AddColumn("type").AddColumn("range or values").AddColumn("default").AddColumn("special");
        foreach (var k in space.Knobs)
            table.AddRow(Markup.Escape(k.Name), k.Type.ToString().ToLowerInvariant() + (k.LogScale ? " (log)" : ""),
                Markup.Escape(k.IsNumeric
                    ? $"[{Format.Parameter(k.Min)}, {Format.Parameter(k.Max)}]{(k.Unit is null ? "" : " " + k.Unit)}"
                    : k.Choices > 0 && k.Type == KnobType.Categorical ? string.Join(", ", k.Values) : "true, false"),
                Markup.Escape(Format.Parameter(k.Default)),
                Markup.Escape(
                    string.Join(", ",
                    k.Special.Select(s =>
                    s.Probability is { } p ? $"{Format.Parameter(s.Value)} (p={Format.Parameter(p)})"
                    : Format.Parameter(s.Value)))));
        console.Write(table);
    }

    /// <summary>The noise study: per run length, the default's median, its noise and the cost of a trial.</summary>
    public static void Noise(IAnsiConsole console, NoiseStudyResult study)
    {
        static string Percent(double? cv) => cv is { } v ? (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%"
            : "";
        var table = new Table().Title(Markup.Escape($"{study.Target}: noise of the default's {study.Metric}"))
            .AddColumn(new TableColumn("run (s)").RightAligned())
            .AddColumn(new TableColumn("median").RightAligned())
            .AddColumn(new TableColumn($"CV of {study.RunsPerTrial} runs").RightAligned())
            .AddColumn(new TableColumn("CV between trials").RightAligned())
            .AddColumn(new TableColumn("s per trial").RightAligned());
        foreach (var row in study.Rows)
            table.AddRow(row.DurationSeconds is { } d ? Number(d) : "default", F(row.Median), Percent(row.WithinCv),
                Percent(row.BetweenCv), row.SecondsPerTrial.ToString("0.0", CultureInfo.InvariantCulture));
        table.Caption(Markup.Escape(study.ShortestQuiet is { } quiet
            ? $"shortest run length under the {Percent(study.Threshold)} threshold: " +
              (quiet.DurationSeconds is { } s ? $"{Number(s)} s" : "the target's default")
            : $"no run length is under the {Percent(study.Threshold)} threshold on this machine"));
        console.Write(table);
    }

    private static string F(double value) => Number(value);

    /// <summary>A trial's noise as " ±x.x%" (the spread of its runs), or nothing for a single run.</summary>
    public static string Noise(TrialRecord trial) =>
        trial.Runs.Count < 2 ? "" : $" ±{(trial.Noise * 100).ToString("0.0", CultureInfo.InvariantCulture)}%";

    /// <summary>
    /// A metric for people: whole numbers with thousands separators when large, three decimals at most otherwise.
    /// </summary>
    public static string Number(double value) =>
        value.ToString(Math.Abs(value) >= 10_000 ? "#,0" : "0.###", CultureInfo.InvariantCulture);
}
