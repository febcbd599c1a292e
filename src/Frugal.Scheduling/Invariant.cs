using System.Globalization;

namespace Frugal.Scheduling;

/// <summary>Numbers as messages show them, whatever the machine's culture (∞ as "Infinity").</summary>
internal static class Invariant
{
    public static string Text(double value) => value.ToString("G", CultureInfo.InvariantCulture);
}
