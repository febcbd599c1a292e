// The libstdc++ fix-up for TorchSharp's native glue (docs/learning.md, "The libstdc++ fix-up").
// Compiled twice: by MSBuild's RoslynCodeTaskFactory as the WeakenLibStdCxxVersion task that
// Directory.Build.targets runs after every build and publish, and into Frugal.Learning.Tests (with
// FRUGAL_FIXUP_TESTS defined, which leaves out the MSBuild task class). The task factory compiles
// against .NET Standard 2.0, so this file uses no Span, records or newer file APIs.
#nullable enable
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;

#if !FRUGAL_FIXUP_TESTS
/// <summary>
/// Makes one versioned libstdc++ requirement of the given shared libraries weak, where the system's
/// libstdc++ lacks that version, so glibc's loader accepts them. See <see cref="LibStdCxxFixup"/>.
/// </summary>
public sealed class WeakenLibStdCxxVersion : Microsoft.Build.Utilities.Task
{
    /// <summary>The copies of the library to fix (each is replaced by a rename, never written in place).</summary>
    [Microsoft.Build.Framework.Required]
    public Microsoft.Build.Framework.ITaskItem[] Files { get; set; } =
        Array.Empty<Microsoft.Build.Framework.ITaskItem>();

    /// <summary>The version to weaken, e.g. GLIBCXX_3.4.32.</summary>
    [Microsoft.Build.Framework.Required]
    public string Version { get; set; } = "";

    public override bool Execute()
    {
        var system = LibStdCxxFixup.FindSystemLibrary(Environment.GetEnvironmentVariable("LD_LIBRARY_PATH"));
        if (system == null)
        {
            Log.LogMessage("libstdc++ fix-up: no system libstdc++.so.6 found; nothing changed");
            return true;
        }
        if (LibStdCxxFixup.Defines(system, Version))
        {
            Log.LogMessage($"libstdc++ fix-up: {system} defines {Version}; nothing to change");
            return true;
        }
        foreach (var file in Files)
        {
            var path = file.GetMetadata("FullPath");
            try
            {
                var weakened = LibStdCxxFixup.Weaken(path, Version);
                if (weakened > 0)
                    Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High,
                        $"libstdc++ fix-up: weakened {weakened} requirement(s) of {Version} in {path}");
                else
                    Log.LogMessage($"libstdc++ fix-up: {path} needs no change");
            }
            catch (InvalidDataException e)
            {
                Log.LogWarning($"libstdc++ fix-up: {path} left as it is: {e.Message}");
            }
        }
        return !Log.HasLoggedErrors;
    }
}
#endif

/// <summary>
/// TorchSharp 0.107.0's libLibTorchSharp.so was linked against GCC 13's libstdc++ and so requires
/// the symbol version GLIBCXX_3.4.32, which Debian 12's libstdc++ (GCC 12, up to GLIBCXX_3.4.30)
/// lacks; the loader then refuses the library. The one symbol of that version,
/// std::ios_base_library_init(), is referenced only to force the dependency: no relocation uses it,
/// so the loader never binds it. Setting VER_FLG_WEAK on that one requirement lets the loader go on,
/// and changes nothing else (one byte; size, hashes and symbol tables stay the same).
/// </summary>
internal static class LibStdCxxFixup
{
    private const ushort WeakFlag = 0x2;

    /// <summary>
    /// The libstdc++.so.6 the loader would use: the LD_LIBRARY_PATH folders first, then the loader
    /// cache (ldconfig -p), then the usual x86-64 folders; null where none exists.
    /// </summary>
    public static string? FindSystemLibrary(string? ldLibraryPath)
    {
        var candidates = new List<string>();
        if (!string.IsNullOrEmpty(ldLibraryPath))
            candidates.AddRange(ldLibraryPath!.Split(':').Where(d => d.Length > 0)
                .Select(d => Path.Combine(d, "libstdc++.so.6")));
        candidates.AddRange(FromLoaderCache());
        candidates.Add("/usr/lib/x86_64-linux-gnu/libstdc++.so.6");
        candidates.Add("/lib/x86_64-linux-gnu/libstdc++.so.6");
        return candidates.FirstOrDefault(File.Exists);
    }

    /// <summary>Whether the shared library at <paramref name="path"/> defines the symbol version
    /// <paramref name="version"/>.</summary>
    public static bool Defines(string path, string version) => ElfImage.Read(path).DefinedVersions().Contains(version);

    /// <summary>
    /// Marks every non-weak requirement of <paramref name="version"/> in the file weak, writing a
    /// patched copy beside it (same mode and timestamp) and renaming it over the file; a file already
    /// patched, or without the requirement, is left untouched. Returns how many requirements changed.
    /// </summary>
    /// <exception cref="InvalidDataException">Not a little-endian x86-64 ELF64 file, or its version tables are
    /// malformed.</exception>
    public static int Weaken(string path, string version)
    {
        var image = ElfImage.Read(path);
        var offsets = image.Requirements()
            .Where(r => r.Version == version && (r.Flags & WeakFlag) == 0)
            .Select(r => r.FlagsOffset)
            .ToList();
        if (offsets.Count == 0) return 0;

        // The copy keeps the original's mode; the timestamp is restored so that an incremental build's
        // copy from the package cache (skipped when size and time match) does not undo the change.
        var lastWrite = File.GetLastWriteTimeUtc(path);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.Copy(path, temporary);
            using (var stream = new FileStream(temporary, FileMode.Open, FileAccess.ReadWrite))
            {
                foreach (var offset in offsets)
                {
                    var flags = (ushort)(image.U16(offset) | WeakFlag);
                    stream.Position = offset;
                    stream.Write(BitConverter.GetBytes(flags), 0, 2);
                }
            }
            File.SetLastWriteTimeUtc(temporary, lastWrite);
            // A rename replaces the directory entry, so a hard link into the package cache stays untouched.
            File.Replace(temporary, path, null);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
        return offsets.Count;
    }

    private static IEnumerable<string> FromLoaderCache()
    {
        var ldconfig = new[] { "/sbin/ldconfig", "/usr/sbin/ldconfig" }.FirstOrDefault(File.Exists);
        if (ldconfig == null) return Array.Empty<string>();
        try
        {
            var start = new ProcessStartInfo(ldconfig, "-p") { RedirectStandardOutput = true, UseShellExecute = false };
            using var process = Process.Start(start)!;
            var listing = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            // Lines look like "\tlibstdc++.so.6 (libc6,x86-64) => /lib/x86_64-linux-gnu/libstdc++.so.6".
            return listing.Split('\n')
                .Where(l => l.TrimStart().StartsWith("libstdc++.so.6 ", StringComparison.Ordinal)
                    && l.Contains("x86-64"))
                .Select(l => l.Substring(l.IndexOf("=>", StringComparison.Ordinal) + 2).Trim())
                .ToList();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return Array.Empty<string>();
        }
    }
}

/// <summary>One symbol-version requirement (an Elf64_Vernaux entry) of a shared library.</summary>
internal sealed class VersionRequirement
{
    public VersionRequirement(string library, string version, ushort flags, long flagsOffset)
    {
        Library = library;
        Version = version;
        Flags = flags;
        FlagsOffset = flagsOffset;
    }

    /// <summary>The library the version is required from, e.g. libstdc++.so.6.</summary>
    public string Library { get; }

    public string Version { get; }

    /// <summary>vna_flags; bit 0x2 (VER_FLG_WEAK) lets the loader go on where the version is missing.</summary>
    public ushort Flags { get; }

    /// <summary>The file offset of vna_flags.</summary>
    public long FlagsOffset { get; }
}

/// <summary>
/// The symbol-version tables of a little-endian x86-64 ELF64 file: .gnu.version_d (versions it
/// defines) and .gnu.version_r (versions it requires from other libraries).
/// </summary>
internal sealed class ElfImage
{
    private const uint VersionDefinitions = 0x6ffffffd; // SHT_GNU_verdef
    private const uint VersionRequirements = 0x6ffffffe; // SHT_GNU_verneed
    private const int MaxEntries = 1 << 16;

    private readonly byte[] _bytes;
    private readonly string _path;

    private ElfImage(string path, byte[] bytes)
    {
        _path = path;
        _bytes = bytes;
        if (bytes.Length < 64 || bytes[0] != 0x7F || bytes[1] != 'E' || bytes[2] != 'L' || bytes[3] != 'F')
            throw new InvalidDataException("not an ELF file");
        if (bytes[4] != 2 || bytes[5] != 1 || U16(0x12) != 62)
            throw new InvalidDataException("not a little-endian x86-64 ELF64 file");
    }

    public static ElfImage Read(string path) => new(path, File.ReadAllBytes(path));

    public ushort U16(long offset) => BitConverter.ToUInt16(_bytes, Checked(offset, 2));

    public IReadOnlyList<string> DefinedVersions()
    {
        var names = new List<string>();
        foreach (var (offset, count, strings) in Sections(VersionDefinitions))
        {
            var entry = offset;
            for (var i = 0; i < count; i++)
            {
                // Elf64_Verdef: vd_aux at 12, vd_next at 16; the first Elf64_Verdaux names the version.
                names.Add(String(strings, U32(entry + U32(entry + 12))));
                var next = U32(entry + 16);
                if (next == 0) break;
                entry += next;
            }
        }
        return names;
    }

    public IReadOnlyList<VersionRequirement> Requirements()
    {
        var requirements = new List<VersionRequirement>();
        foreach (var (offset, count, strings) in Sections(VersionRequirements))
        {
            var entry = offset;
            for (var i = 0; i < count; i++)
            {
                // Elf64_Verneed: vn_cnt at 2, vn_file at 4, vn_aux at 8, vn_next at 12.
                var library = String(strings, U32(entry + 4));
                var aux = entry + U32(entry + 8);
                for (var j = 0; j < U16(entry + 2); j++)
                {
                    // Elf64_Vernaux: vna_flags at 4, vna_name at 8, vna_next at 12.
                    var version = String(strings, U32(aux + 8));
                    requirements.Add(new VersionRequirement(library, version, U16(aux + 4), aux + 4));
                    var nextAux = U32(aux + 12);
                    if (nextAux == 0) break;
                    aux += nextAux;
                }
                var next = U32(entry + 12);
                if (next == 0) break;
                entry += next;
            }
        }
        return requirements;
    }

    /// <summary>Each section of the type: its file offset, entry count (sh_info) and string table's offset
    /// (via sh_link).</summary>
    private IEnumerable<(long Offset, long Count, long Strings)> Sections(uint type)
    {
        var table = (long)U64(0x28);
        var size = U16(0x3A);
        var count = U16(0x3C);
        for (var i = 0; i < count; i++)
        {
            var header = table + (long)i * size;
            if (U32(header + 4) != type) continue;
            var link = U32(header + 40);
            var entries = U32(header + 44);
            if (link >= count || entries > MaxEntries)
                throw new InvalidDataException("malformed version section header");
            yield return ((long)U64(header + 24), entries, (long)U64(table + link * size + 24));
        }
    }

    private uint U32(long offset) => BitConverter.ToUInt32(_bytes, Checked(offset, 4));

    private ulong U64(long offset) => BitConverter.ToUInt64(_bytes, Checked(offset, 8));

    private string String(long table, long offset)
    {
        var start = Checked(table + offset, 1);
        var end = Array.IndexOf(_bytes, (byte)0, start);
        if (end < 0) throw new InvalidDataException("unterminated string in the dynamic string table");
        return Encoding.ASCII.GetString(_bytes, start, end - start);
    }

    private int Checked(long offset, int length)
    {
        if (offset < 0 || offset + length > _bytes.Length)
            throw new InvalidDataException($"offset 0x{offset:X} lies outside the {_bytes.Length}-byte file {_path}");
        return (int)offset;
    }
}
