using System.Globalization;
using System.IO.Compression;
using Frugal.Core.Errors;
using Frugal.Core.IO;

namespace Frugal.Learning.Data;

/// <summary>
/// Reads a text data file line by line and words every problem as one line naming the file, the line
/// and the field (<c>path:line: field: problem</c>), as a <see cref="BadInputException"/>.
/// </summary>
internal sealed class DataFile : IDisposable
{
    private readonly StreamReader _reader;

    private DataFile(string path, StreamReader reader)
    {
        Path = path;
        _reader = reader;
    }

    public string Path { get; }

    /// <summary>The 1-based number of the line last read; 0 before the first.</summary>
    public int LineNumber { get; private set; }

    /// <summary>Opens <paramref name="path"/> after the checks of <see cref="InputFile"/> (no size limit:
    /// data files are streamed); a name ending in .gz is decompressed as it is read.</summary>
    public static DataFile Open(string path, string what)
    {
        var reader = InputFile.OpenText(path, what, long.MaxValue);
        return path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
            ? new(path, new StreamReader(new GZipStream(reader.BaseStream, CompressionMode.Decompress)))
            : new(path, reader);
    }

    /// <summary>The next line, or null at the end of the file.</summary>
    /// <exception cref="BadInputException">Compressed data that does not decompress.</exception>
    public string? Next()
    {
        string? line;
        try
        {
            line = _reader.ReadLine();
        }
        catch (InvalidDataException e)
        {
            throw Error(null, $"not readable gzip data ({e.Message})");
        }
        if (line is not null) LineNumber++;
        return line;
    }

    /// <summary>An error at the current line, in <paramref name="field"/> where one is named.</summary>
    public BadInputException Error(string? field, string problem) =>
        new($"{Path}:{LineNumber}: {(field is null ? "" : $"field {field}: ")}{problem}");

    /// <summary>Splits the current line at <paramref name="separator"/>, requiring exactly
    /// <paramref name="count"/> fields.</summary>
    public string[] Fields(string line, char separator, int count, string layout)
    {
        var fields = line.Split(separator);
        if (fields.Length != count) throw Error(null, $"{fields.Length} fields, expected {count} ({layout})");
        return fields;
    }

    /// <summary>A non-negative integer below <paramref name="bound"/>.</summary>
    public int Index(string text, string field, int bound)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            throw Error(field, $"'{text}' is not a non-negative integer");
        if (value >= bound) throw Error(field, $"{value} is out of range (0 to {bound - 1})");
        return value;
    }

    /// <summary>An error about the file as a whole (its line count, a missing part).</summary>
    public BadInputException FileError(string problem) => new($"{Path}: {problem}");

    public void Dispose() => _reader.Dispose();
}
