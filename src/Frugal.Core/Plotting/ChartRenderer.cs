using Frugal.Core.Results;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace Frugal.Core.Plotting;

/// <summary>Draws a <see cref="Chart"/> with ScottPlot, to PNG bytes or SVG text.</summary>
public static class ChartRenderer
{
    /// <summary>Image width in pixels when none is given.</summary>
    public const int DefaultWidth = 800;
    /// <summary>Image height in pixels when none is given.</summary>
    public const int DefaultHeight = 480;

    // More points than this per series add bytes, not information, at report sizes.
    private const int MaxPointsPerSeries = 2000;

    /// <summary>The chart as a PNG image of <paramref name="width"/> × <paramref name="height"/> pixels.</summary>
    public static byte[] RenderPng(Chart chart, int width = DefaultWidth, int height = DefaultHeight) =>
        Build(chart).GetImageBytes(width, height, ImageFormat.Png);

    /// <summary>The chart as SVG text of <paramref name="width"/> × <paramref name="height"/> pixels.</summary>
    public static string RenderSvg(Chart chart, int width = DefaultWidth, int height = DefaultHeight) =>
        Build(chart).GetSvgXml(width, height);

    private static Plot Build(Chart chart)
    {
        var plot = new Plot();
        plot.Title(chart.Title);
        plot.XLabel(chart.XLabel);
        plot.YLabel(chart.YLabel);
        var palette = new ScottPlot.Palettes.Category10();

        switch (chart.Kind)
        {
            case ChartKind.Bar:
                AddBars(plot, chart, palette);
                break;
            default:
                for (var i = 0; i < chart.Series.Count; i++) AddSeries(plot, chart, chart.Series[i],
                    palette.GetColor(i));
                break;
        }

        if (chart.LogX) UseLogTicks(plot.Axes.Bottom);
        if (chart.LogY) UseLogTicks(plot.Axes.Left);
        if (chart.Series.Count > 1 || chart.Kind == ChartKind.Bar) plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    private static void AddSeries(Plot plot, Chart chart, Series series, Color color)
    {
        var (xs, ys) = chart.Kind == ChartKind.Cdf ? EmpiricalCdf(series.Y) : (series.X, series.Y);
        if (xs.Length
            != ys.Length) throw new ArgumentException(
            $"chart '{chart.Name}', series '{series.Name}': {xs.Length} x values but {ys.Length} y values.");
        (xs, ys) = Thin(Transform(xs, chart.LogX), Transform(ys, chart.LogY));
        if (xs.Length == 0) return;

        var scatter = plot.Add.Scatter(xs, ys, color);
        scatter.LegendText = series.Name;
        if (chart.Kind == ChartKind.Scatter)
        {
            scatter.LineWidth = 0;
            scatter.MarkerSize = 5;
        }
        else
        {
            scatter.LineWidth = 2;
            scatter.MarkerSize = xs.Length <= 30 ? 5 : 0;
        }
        if (chart.Kind == ChartKind.Cdf) scatter.ConnectStyle = ConnectStyle.StepHorizontal;
    }

    private static void AddBars(Plot plot, Chart chart, ScottPlot.Palettes.Category10 palette)
    {
        var categories =
            chart.Categories ?? throw new ArgumentException($"bar chart '{chart.Name}' has no categories.");
        var groups = chart.Series.Count;
        const double groupWidth = 0.8;
        var barWidth = groupWidth / groups;
        for (var s = 0; s < groups; s++)
        {
            var series = chart.Series[s];
            if (series.Y.Length != categories.Count)
                throw new ArgumentException(
                    $"bar chart '{chart.Name}', series '{series.Name}': {series.Y.Length} values for " +
                    $"{categories.Count} categories.");
            var color = palette.GetColor(s);
            var bars = series.Y.Select((y, c) => new Bar
            {
                Position = c - groupWidth / 2 + barWidth * (s + 0.5),
                Value = chart.LogY ? Math.Log10(y) : y,
                Size = barWidth * 0.95,
                FillColor = color,
            }).ToArray();
            plot.Add.Bars(bars);
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = series.Name, FillColor = color });
        }
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, categories.Count).Select(c => (double)c).ToArray(),
            categories.ToArray());
        plot.Axes.Margins(bottom: 0);
    }

    private static (double[] X, double[] Y) EmpiricalCdf(double[] sample)
    {
        var sorted = sample.Where(double.IsFinite).Order().ToArray();
        var ys = sorted.Select((_, i) => (i + 1.0) / sorted.Length).ToArray();
        return (sorted, ys);
    }

    private static double[] Transform(double[] values, bool log) =>
        log ? values.Select(v => v > 0 ? Math.Log10(v) : double.NaN).ToArray() : values;

    /// <summary>
    /// Drops non-finite points and keeps at most <see cref="MaxPointsPerSeries"/> evenly spaced ones (always the last).
    /// </summary>
    private static (double[] X, double[] Y) Thin(double[] xs, double[] ys)
    {
        var keep =
            Enumerable.Range(0, xs.Length).Where(i => double.IsFinite(xs[i]) && double.IsFinite(ys[i])).ToArray();
        if (keep.Length > MaxPointsPerSeries)
        {
            var step = (double)(keep.Length - 1) / (MaxPointsPerSeries - 1);
            keep = Enumerable.Range(0, MaxPointsPerSeries).Select(j => keep[(int)Math.Round(j * step)]).Distinct()
                .ToArray();
        }
        return (keep.Select(i => xs[i]).ToArray(), keep.Select(i => ys[i]).ToArray());
    }

    /// <summary>Values were plotted as log10; label the ticks with the original powers of ten.</summary>
    private static void UseLogTicks(IAxis axis)
    {
        axis.TickGenerator = new NumericAutomatic
        {
            MinorTickGenerator = new LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = v => Format.Number(Math.Pow(10, v)),
        };
    }
}
