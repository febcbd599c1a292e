namespace Frugal.Core.Results;

/// <summary>How a <see cref="Chart"/> draws its series.</summary>
public enum ChartKind
{
    /// <summary>Lines through (x, y) points, one per series.</summary>
    Line,
    /// <summary>Markers at (x, y) points, one colour per series.</summary>
    Scatter,
    /// <summary>The empirical CDF of each series' Y values (X is ignored).</summary>
    Cdf,
    /// <summary>Bars: each series gives one bar per category (Y), grouped by category.</summary>
    Bar,
}

/// <summary>A named sequence of points. For a CDF chart only <see cref="Y"/> (the sample) is used.</summary>
public sealed record Series(string Name, double[] X, double[] Y)
{
    /// <summary>A series whose X values are 0, 1, 2, ...</summary>
    public static Series Of(string name, double[] y) =>
        new(name, Enumerable.Range(0, y.Length).Select(i => (double)i).ToArray(), y);
}

/// <summary>
/// A chart as data: what to draw, not how. Results carry charts in this form so they stay
/// serialisable; <see cref="Plotting.ChartRenderer"/> turns them into PNG or SVG.
/// </summary>
public sealed record Chart(string Name, ChartKind Kind, string Title, string XLabel, string YLabel,
    IReadOnlyList<Series> Series)
{
    /// <summary>Category labels of a bar chart, one per Y value.</summary>
    public IReadOnlyList<string>? Categories { get; init; }

    /// <summary>Draw the X axis on a log scale (values must be positive).</summary>
    public bool LogX { get; init; }
    /// <summary>Draw the Y axis on a log scale (values must be positive).</summary>
    public bool LogY { get; init; }
}
