using System.Text;
using Frugal.Core.Errors;

namespace Frugal.Scheduling.Traces;

/// <summary>
/// A trace or throughput file that cannot be read: the message names the file, the line (or key) and the field at
/// fault.
/// </summary>
/// <remarks>
/// The message quotes the file's text, so control characters in it are shown escaped (a NUL byte as <c>\0</c>) and a
/// very long message is cut: the error stays one readable line whatever the file holds.
/// </remarks>
public sealed class TraceFormatException(string message) : BadInputException(Printable(message))
{
    private const int MaxLength = 500;

    /// <summary>The error for <paramref name="field"/> of <paramref name="line"/> in <paramref name="file"/>.</summary>
    internal static TraceFormatException At(string file, int line, string field, string problem) =>
        new($"{file}:{line}: field '{field}': {problem}");

    private static string Printable(string text)
    {
        var printable = new StringBuilder(Math.Min(text.Length, MaxLength + 1));
        foreach (var c in text)
        {
            if (printable.Length >= MaxLength) return printable.Append('…').ToString();
            if (c == '\0') printable.Append("\\0");
            else if (char.IsControl(c)) printable.Append($"\\u{(int)c:x4}");
            else printable.Append(c);
        }
        return printable.ToString();
    }
}
