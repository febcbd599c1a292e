using System.Globalization;

namespace Frugal.Core.Results;

/// <summary>How numbers are written for people (tables, reports) and for machines (CSV, JSON).</summary>
public static class Format
{
    /// <summary>Four significant digits, invariant culture; integers stay integers.</summary>
    public static string Number(double value)
    {
        if (double.IsNaN(value)) return "NaN";
        if (double.IsInfinity(value)) return value > 0 ? "∞" : "-∞";
        if (value == Math.Round(value) && Math.Abs(value) < 1e15) return value.ToString("0", CultureInfo.InvariantCulture);
        return value.ToString("G4", CultureInfo.InvariantCulture);
    }

    /// <summary>The shortest text that reads back as the same double.</summary>
    public static string Exact(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A parameter value as recorded with a result: invariant culture, round-trippable.</summary>
    public static string Parameter(object? value) => value switch
    {
        null => "",
        string s => s,
        bool b => b ? "true" : "false",
        double d => Exact(d),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
