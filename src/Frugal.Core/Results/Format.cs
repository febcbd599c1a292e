using System.Globalization;

namespace Frugal.Core.Results;

/// <summary>How numbers are written for people (tables, reports) and for machines (CSV, JSON).</summary>
public static class Format
{
    /// <summary>
    /// For people: four significant digits below 1000, whole numbers from 1000 up (no exponent
    /// until 10^15), an exponent for tiny magnitudes; invariant culture.
    /// </summary>
    public static string Number(double value)
    {
        if (double.IsNaN(value)) return "NaN";
        if (double.IsInfinity(value)) return value > 0 ? "∞" : "-∞";
        var magnitude = Math.Abs(value);
        if (magnitude >= 1e15 || (magnitude < 1e-4 && magnitude > 0)) return value.ToString("0.###E+0",
            CultureInfo.InvariantCulture);
        if (magnitude >= 1000) return value.ToString("0", CultureInfo.InvariantCulture);
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
