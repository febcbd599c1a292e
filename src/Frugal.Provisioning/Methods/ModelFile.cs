using System.IO.Compression;
using System.IO.Hashing;
using Frugal.Core.Errors;
using Frugal.Core.IO;

namespace Frugal.Provisioning.Methods;

/// <summary>
/// Reads the model files training saves (zip archives): checked like any file a user hands in,
/// refused as bad input when they are not model archives, and reported as corrupt data when they
/// are but their contents fail to read. Every message names the file.
/// </summary>
internal static class ModelFile
{
    /// <summary>What messages call a model file.</summary>
    private const string What = "model file";

    /// <summary>The bytes of the model file at <paramref name="path"/>.</summary>
    /// <exception cref="BadInputException">Missing, not a regular file, or larger than
    /// <see cref="InputFile.DefaultLimit"/>.</exception>
    public static byte[] Read(string path)
    {
        InputFile.Check(path, What);
        return File.ReadAllBytes(path);
    }

    /// <summary>Reads the archive in <paramref name="bytes"/> with <paramref name="read"/>, once every entry has passed
    /// its checksum.</summary>
    /// <exception cref="BadInputException">The bytes are not a zip archive.</exception>
    /// <exception cref="CorruptDataException">They are one, but its directory or an entry fails to read or to match its
    /// checksum.</exception>
    public static T Open<T>(byte[] bytes, string source, Func<ZipArchive, T> read)
    {
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read);
        }
        catch (InvalidDataException e)
        {
            throw new BadInputException($"{What} '{source}' is not a model archive: {e.Message}");
        }
        using (archive)
        {
            Damaged(source, () => Verify(archive, source));
            return Damaged(source, () => read(archive));
        }
    }

    /// <summary>
    /// Checks every entry against the CRC-32 its header records. Neither the zip reader nor ML.NET
    /// does so on every path, and a flipped bit inside a tree's numbers would otherwise load as a
    /// model that silently predicts something else.
    /// </summary>
    private static bool Verify(ZipArchive archive, string source)
    {
        var buffer = new byte[1 << 16];
        foreach (var entry in archive.Entries)
        {
            var crc = new Crc32();
            using var stream = entry.Open();
            for (int n; (n = stream.Read(buffer)) > 0;) crc.Append(buffer.AsSpan(0, n));
            if (crc.GetCurrentHashAsUInt32() != entry.Crc32)
                throw new CorruptDataException(
                    $"{What} '{source}' is damaged: entry '{entry.FullName}' does not match its checksum");
        }
        return true;
    }

    /// <summary>The text of an archive entry.</summary>
    /// <exception cref="CorruptDataException">The entry fails to decompress (a checksum, a truncated
    /// stream).</exception>
    public static string Text(ZipArchiveEntry entry, string source) => Damaged(source, () =>
    {
        using var reader = new StreamReader(entry.Open());
        return reader.ReadToEnd();
    });

    /// <summary>The bytes of an archive entry.</summary>
    /// <exception cref="CorruptDataException">The entry fails to decompress.</exception>
    public static byte[] Bytes(ZipArchiveEntry entry, string source) => Damaged(source, () =>
    {
        using var bytes = new MemoryStream();
        using (var stream = entry.Open()) stream.CopyTo(bytes);
        return bytes.ToArray();
    });

    /// <summary>
    /// Runs <paramref name="read"/> over an archive that opened as a model archive: what fails now
    /// is damage to its contents (ML.NET reports it with a variety of exception types).
    /// </summary>
    /// <exception cref="CorruptDataException">The read failed.</exception>
    public static T Damaged<T>(string source, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or InvalidOperationException
                                       or IOException
                                       or ArgumentException or IndexOutOfRangeException or OverflowException
                                       or System.Reflection.TargetInvocationException)
        {
            throw new CorruptDataException($"{What} '{source}' is damaged: {e.Message}", e);
        }
    }
}
