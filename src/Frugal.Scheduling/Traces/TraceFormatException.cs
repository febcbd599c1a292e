using Frugal.Core.Errors;

namespace Frugal.Scheduling.Traces;

/// <summary>A trace or throughput file that cannot be read: the message names the file, the line (or key) and the field at fault.</summary>
public sealed class TraceFormatException(string message) : BadInputException(message)
{
    public static TraceFormatException At(string file, int line, string field, string problem) =>
        new($"{file}:{line}: field '{field}': {problem}");
}
