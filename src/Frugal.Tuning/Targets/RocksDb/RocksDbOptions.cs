using System.Globalization;
using System.Runtime.InteropServices;
using RocksDbSharp;

namespace Frugal.Tuning.Targets.RocksDb;

/// <summary>
/// A configuration as RocksDB's own options string (<c>write_buffer_size=...;block_based_table_factory={...}</c>),
/// parsed by RocksDB itself (<c>rocksdb_get_options_from_string</c>), so every value is checked by the system tuned and
/// a bad one comes back with RocksDB's message. Knob names are RocksDB's option names; <c>table.X</c> knobs belong to
/// the block-based table factory, <c>compression_lN</c> are the entries of <c>compression_per_level</c>,
/// <c>table.block_cache</c> is the LRU cache's capacity in MiB and <c>table.bloom_bits_per_key</c> the bloom filter
/// (0: none).
/// </summary>
internal static class RocksDbOptions
{
    public const string TablePrefix = "table.";
    public const string CompressionPrefix = "compression_l";
    public const string BlockCache = "table.block_cache";
    public const string BloomBits = "table.bloom_bits_per_key";

    /// <summary>The default compression of every level (this build links LZ4, and RocksDB prefers it).</summary>
    public const string DefaultCompression = "kLZ4Compression";

    // The binding exposes no rocksdb_get_options_from_string; it is called in the library the binding loaded.
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void GetOptionsFromString(IntPtr baseOptions, IntPtr text, IntPtr newOptions, out IntPtr error);

    private static readonly Lazy<GetOptionsFromString> Parser = new(LoadParser);

    /// <summary>
    /// The options string of <paramref name="configuration"/> (knobs it lacks keep RocksDB's defaults).
    /// </summary>
    public static string Text(IReadOnlyDictionary<string, object> configuration)
    {
        var db = new List<string>();
        var table = new List<string>();
        var levels = new SortedDictionary<int, string>();
        foreach (var (name, value) in configuration.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (name.StartsWith(CompressionPrefix, StringComparison.Ordinal)
                && int.TryParse(name.AsSpan(CompressionPrefix.Length), CultureInfo.InvariantCulture, out var level))
                levels[level] = (string)value;
            else if (name == BlockCache)
                table.Add($"block_cache={Convert.ToInt64(value, CultureInfo.InvariantCulture) << 20}");
            else if (name == BloomBits)
                table.Add(Convert.ToInt64(value, CultureInfo.InvariantCulture) is var bits and > 0
                    ? $"filter_policy=bloomfilter:{bits}:false" : "filter_policy=nullptr");
            else if (name.StartsWith(TablePrefix, StringComparison.Ordinal))
                table.Add($"{name[TablePrefix.Length..]}={Format(value)}");
            else db.Add($"{name}={Format(value)}");
        }
        if (levels.Count > 0)
        {
            var count = levels.Keys.Max() + 1;
            db.Add("compression_per_level=" + string.Join(":",
                Enumerable.Range(0, count).Select(l => levels.GetValueOrDefault(l, DefaultCompression))));
        }
        if (table.Count > 0) db.Add($"block_based_table_factory={{{string.Join(";", table)}}}");
        return string.Join(";", db);
    }

    /// <summary>
    /// Options for <paramref name="configuration"/> (free them with <see cref="Destroy"/>), or RocksDB's reason for
    /// refusing them.
    /// </summary>
    public static (DbOptions? Options, string? Error) Parse(IReadOnlyDictionary<string, object> configuration)
    {
        var options = new DbOptions();
        var defaults = new DbOptions();
        var text = Marshal.StringToCoTaskMemUTF8(Text(configuration));
        try
        {
            Parser.Value(defaults.Handle, text, options.Handle, out var error);
            if (error == IntPtr.Zero) return (ClosingWithoutFlush(options.SetCreateIfMissing(true)), null);
            var message = Marshal.PtrToStringUTF8(error);
            Native.Instance.rocksdb_free(error);
            Destroy(options);
            return (null, message);
        }
        finally
        {
            Marshal.FreeCoTaskMem(text);
            Destroy(defaults);
        }
    }

    /// <summary>
    /// Frees <paramref name="options"/> now, which must not be used again. The binding frees options only in their
    /// finalizer, and options hold their block cache (through the table factory), whose blocks outlive a closed
    /// database until the collector runs: a comparison's process, which allocates little, grew to 6.5–8 GB resident
    /// over its trials.
    /// </summary>
    public static void Destroy(DbOptions options)
    {
        GC.SuppressFinalize(options);
        Native.Instance.rocksdb_options_destroy(options.Handle);
    }

    /// <summary>
    /// A trial's database is deleted once closed, so closing it need not flush what the load wrote without the log
    /// (RocksDB's default); that flush, like a manual one, may wait for good for a write stall to clear
    /// (<see cref="RocksDbStore"/>'s CompactAllowingStall). Shutdown only: the runs measure the same database.
    /// </summary>
    private static DbOptions ClosingWithoutFlush(DbOptions options)
    {
        Native.Instance.rocksdb_options_set_avoid_flush_during_shutdown(options.Handle, 1);
        return options;
    }

    /// <summary>A knob's value as the options string writes it.</summary>
    public static string Format(object value) => value switch
    {
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture)!,
    };

    private static GetOptionsFromString LoadParser()
    {
        _ = Native.Instance;
        // The very library the binding loaded (dlopen of the same path returns the same handle), so the options
        // objects of both are one.
        var path = File.ReadLines("/proc/self/maps").Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length >= 6).Select(f => f[^1])
            .FirstOrDefault(p => Path.GetFileName(p).StartsWith("librocksdb", StringComparison.Ordinal))
            ?? throw new InvalidOperationException("the RocksDB native library is not loaded");
        var export = NativeLibrary.GetExport(NativeLibrary.Load(path), "rocksdb_get_options_from_string");
        return Marshal.GetDelegateForFunctionPointer<GetOptionsFromString>(export);
    }
}
