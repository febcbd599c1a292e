using System.Globalization;
using Frugal.Core.Errors;
using Frugal.Core.IO;

namespace Frugal.Gpu.Measurements;

/// <summary>
/// Reads per-run measurement tables by their header, so one reader serves the study's Longhorn, Frontera and
/// Lonestar6 aggregated CSVs (hal-uw/blox-pal:aggregated_data) and the records <c>frugal gpu survey</c> writes.
/// Needed columns: <c>uuid</c> and <c>perf</c>. Optional: <c>exp</c> or <c>model</c> (the app), <c>cluster</c>,
/// <c>cab-node</c> / <c>cabinet</c>+<c>node</c> / <c>node</c>, <c>device</c> or <c>dev_id</c>, and the run's
/// medians <c>freq</c> (SM clock), <c>pwr</c>, <c>temp</c>.
/// </summary>
public static class RunTableReader
{
    /// <summary>Files larger than this are refused: the largest study file is about 2 MB.</summary>
    private const long Limit = 256L << 20;

    /// <summary>Reads a CSV file, or every <c>*.csv</c> in a folder (sorted by name).</summary>
    /// <exception cref="BadInputException">The path is missing, or a file lacks a needed column or has a malformed
    /// line (the message names file:line and the field).</exception>
    public static IReadOnlyList<GpuRun> Read(string path)
    {
        if (Directory.Exists(path))
        {
            var files = Directory.GetFiles(path, "*.csv", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
                .ToArray();
            if (files.Length == 0) throw new BadInputException($"{path}: the folder holds no .csv file");
            return [.. files.SelectMany(ReadFile)];
        }
        return ReadFile(path);
    }

    /// <summary>Reads one file; the cluster comes from a <c>cluster</c> column or else from the file's name.</summary>
    public static IReadOnlyList<GpuRun> ReadFile(string path)
    {
        using var reader = InputFile.OpenText(path, "measurement file", Limit);
        return Parse(reader, path, ClusterFromName(Path.GetFileName(path)), AppFromName(Path.GetFileName(path)));
    }

    /// <summary>Parses a table; <paramref name="cluster"/> and <paramref name="app"/> fill missing columns.</summary>
    internal static IReadOnlyList<GpuRun> Parse(TextReader reader, string source, string cluster, string app)
    {
        var header = reader.ReadLine() ?? throw new BadInputException($"{source}: the file is empty");
        var columns = new Columns(header.Split(','), source);
        var runs = new List<GpuRun>();
        var lineNumber = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0) continue;
            var fields = line.Split(',');
            var at = $"{source}:{lineNumber}";
            if (fields.Length != columns.Count)
                throw new BadInputException($"{at}: {fields.Length} fields where the header has {columns.Count}");
            var uuid = fields[columns.Uuid].Trim();
            if (uuid.Length == 0) throw new BadInputException($"{at}: field 'uuid' is empty");
            runs.Add(new GpuRun(
                columns.App is { } a ? fields[a].Trim() : app,
                columns.Cluster is { } c ? fields[c].Trim() : cluster,
                uuid,
                columns.NodeOf(fields),
                columns.Device is { } d ? (int)Required(fields[d], "device", at) : -1,
                PositivePerf(fields[columns.Perf], at),
                Optional(fields, columns.Clock, "freq", at),
                Optional(fields, columns.Power, "pwr", at),
                Optional(fields, columns.Temperature, "temp", at)));
        }
        return runs;
    }

    /// <summary>The cluster a study file belongs to, from its name (e.g. <c>resnet-ls6-agg.csv</c>).</summary>
    internal static string ClusterFromName(string fileName)
    {
        var name = fileName.ToLowerInvariant();
        if (name.Contains("longhorn")) return "longhorn";
        if (name.Contains("frontera")) return "frontera";
        if (name.Contains("ls6") || name.Contains("lonestar")) return "lonestar6";
        return "local";
    }

    private static string AppFromName(string fileName) => Path.GetFileNameWithoutExtension(fileName);

    private static double PositivePerf(string text, string at)
    {
        var value = Required(text, "perf", at);
        if (!(value > 0)) throw new BadInputException($"{at}: field 'perf' is {text}; a run's time must be positive");
        return value;
    }

    private static double Required(string text, string field, string at) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw new BadInputException($"{at}: field '{field}' is '{text}', not a number");

    private static double? Optional(string[] fields, int? index, string field, string at) =>
        index is { } i && fields[i].Trim().Length > 0 ? Required(fields[i], field, at) : null;

    /// <summary>The positions of the columns the reader uses.</summary>
    private sealed class Columns
    {
        private readonly Dictionary<string, int> _index = new(StringComparer.OrdinalIgnoreCase);
        private readonly int? _cabNode, _cabinet, _node;

        public Columns(string[] names, string source)
        {
            for (var i = 0; i < names.Length; i++) _index.TryAdd(names[i].Trim(), i);
            Count = names.Length;
            Uuid = Need("uuid", source);
            Perf = Need("perf", source);
            App = Find("exp") ?? Find("model");
            Cluster = Find("cluster");
            Device = Find("device") ?? Find("dev_id");
            Clock = Find("freq");
            Power = Find("pwr");
            Temperature = Find("temp");
            _cabNode = Find("cab-node");
            _cabinet = Find("cabinet");
            _node = Find("node");
        }

        public int Count { get; }
        public int Uuid { get; }
        public int Perf { get; }
        public int? App { get; }
        public int? Cluster { get; }
        public int? Device { get; }
        public int? Clock { get; }
        public int? Power { get; }
        public int? Temperature { get; }

        public string NodeOf(string[] fields)
        {
            if (_cabNode is { } cn) return fields[cn].Trim();
            var node = _node is { } n ? fields[n].Trim() : "";
            return _cabinet is { } c ? $"{fields[c].Trim()}-{node}" : node;
        }

        private int? Find(string name) => _index.TryGetValue(name, out var i) ? i : null;

        private int Need(string name, string source) => Find(name)
            ?? throw new BadInputException(
                $"{source}: the header has no '{name}' column (a run table needs uuid and perf)");
    }
}
