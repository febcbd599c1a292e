using System.Text;

namespace Frugal.Core.IO;

/// <summary>
/// Writes that never leave a half-written file behind: the bytes go to a temporary file beside
/// the target, which then replaces the target in one rename.
/// </summary>
public static class AtomicFile
{
    /// <summary>Replaces <paramref name="path"/> with <paramref name="contents"/> as UTF-8, all or nothing.</summary>
    public static void WriteAllText(string path, string contents) =>
        WriteAllBytes(path, Encoding.UTF8.GetBytes(contents));

    /// <summary>Replaces <paramref name="path"/> with <paramref name="contents"/>, all or nothing.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> contents)
    {
        var temporary = TemporaryPathFor(path);
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write(contents);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>
    /// Writes through <paramref name="write"/> into a temporary file, then renames it onto <paramref name="path"/>.
    /// </summary>
    public static void Write(string path, Action<TextWriter> write)
    {
        var temporary = TemporaryPathFor(path);
        try
        {
            using (var writer = new StreamWriter(temporary, append: false, new UTF8Encoding(false))) write(writer);
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>
    /// Writes bytes through <paramref name="write"/> into a temporary file, then renames it onto <paramref
    /// name="path"/>:
    /// for binary files too large to build in memory first.
    /// </summary>
    public static void WriteBinary(string path, Action<Stream> write)
    {
        var temporary = TemporaryPathFor(path);
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    private static string TemporaryPathFor(string path)
    {
        var full = Path.GetFullPath(path);
        return Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
    }
}
