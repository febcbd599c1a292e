using System.Globalization;

namespace Frugal.Tuning.Targets.Postgres;

/// <summary>
/// Knob values as PostgreSQL reads them in a configuration file: bare numbers in the knob's base unit.
/// </summary>
internal static class PostgresValues
{
    /// <summary>
    /// long → the number; double → its shortest round-trip text (invariant culture: '.' and, for extremes, 'E'
    /// exponents,
    /// which PostgreSQL's strtod accepts); bool → on/off; string as is. Other types are a caller's bug.
    /// </summary>
    public static string Format(string knob, object value) => value switch
    {
        long l => l.ToString(CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        double d when double.IsFinite(d) => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "on" : "off",
        string s => s,
        _ => throw new ArgumentException(
            $"knob {knob}: a {value.GetType().Name} value ({value}) cannot be a PostgreSQL setting; expected long, " +
            $"double, bool or string.", nameof(value)),
    };
}
