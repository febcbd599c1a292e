using System.Text.RegularExpressions;

namespace Frugal.Cli;

/// <summary>
/// The parser reports a value it cannot convert as "Failed to convert 'abc' to Int32.": a .NET type, and no option.
/// This names the option the value was given to and what it must be, in the user's terms.
/// </summary>
internal static partial class ConversionMessage
{
    /// <summary>
    /// <paramref name="message"/> in the user's terms when it is a failed conversion, else unchanged.
    /// </summary>
    public static string InUserTerms(string message, IReadOnlyList<string> args)
    {
        if (FailedConversion().Match(message) is not { Success: true } match) return message;
        var value = match.Groups["value"].Value;
        var what = match.Groups["type"].Value is "Double" or "Single" or "Nullable`1" ? "a number" : "a whole number";
        // The value's option is the argument before it (the first such pair when a value repeats).
        var at = Enumerable.Range(1, Math.Max(0, args.Count - 1))
            .FirstOrDefault(i => args[i] == value && args[i - 1].StartsWith('-'));
        var option = at > 0 ? $"{args[at - 1]}: " : "";
        var numeric = double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out _);
        return $"{option}'{value}' is not {what}{(numeric ? " in the range it takes" : "")}";
    }

    [GeneratedRegex(@"^Failed to convert '(?<value>.*)' to (?<type>[A-Za-z0-9`]+)\.$", RegexOptions.Singleline)]
    private static partial Regex FailedConversion();
}
