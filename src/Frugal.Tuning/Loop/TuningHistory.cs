using System.Globalization;
using System.Text.Json;
using Frugal.Tuning.Spaces;

namespace Frugal.Tuning.Loop;

/// <summary>
/// A run's trials as JSON Lines: a header line (the <see cref="RunIdentity"/>), then one line per trial appended and
/// flushed to disk as the trial completes, so an interrupted run loses at most the trial in progress and
/// <c>--resume</c> continues where it stopped. (A whole-file atomic rewrite would not fit an append-only log.)
/// </summary>
public sealed class TuningHistory : IDisposable
{
    private readonly FileStream _stream;
    private readonly SearchSpace _space;

    private TuningHistory(string path, FileStream stream, SearchSpace space, IReadOnlyList<TrialRecord> completed)
    {
        Path = path;
        _stream = stream;
        _space = space;
        Completed = completed;
    }

    public string Path { get; }

    /// <summary>The trials the file held when it was opened (none for a new history).</summary>
    public IReadOnlyList<TrialRecord> Completed { get; }

    /// <summary>Starts a new history at <paramref name="path"/>.</summary>
    /// <exception cref="IOException">The file exists already and holds trials (resume it or pick another path).</exception>
    public static TuningHistory Create(string path, RunIdentity identity, SearchSpace space)
    {
        if (File.Exists(path) && new FileInfo(path).Length > 0)
            throw new IOException($"history '{path}' exists already; pass --resume to continue it, or name another file.");
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read);
        var history = new TuningHistory(path, stream, space, []);
        history.WriteLine(w => WriteHeader(w, identity));
        return history;
    }

    /// <summary>
    /// Opens an existing history to continue it: checks it was made by the same run, keeps its complete trials and cuts off
    /// a last line the interruption left half-written.
    /// </summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="FormatException">The file is not a history, or was made by another run (the message names the field that differs).</exception>
    public static TuningHistory Resume(string path, RunIdentity identity, SearchSpace space)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"history '{path}' does not exist; drop --resume to start it.", path);
        var (recorded, trials, validLength) = Read(path, space);
        if (recorded.FirstDifference(identity) is { } difference)
            throw new FormatException($"history '{path}' was made with {difference}; resume it with the same settings or start a new history.");
        var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.Read);
        stream.SetLength(validLength);
        stream.Seek(0, SeekOrigin.End);
        return new TuningHistory(path, stream, space, trials);
    }

    /// <summary>Reads only a history's identity (its first line), e.g. to check which target it tuned before reading its trials.</summary>
    public static RunIdentity ReadIdentity(string path) =>
        File.ReadLines(path).FirstOrDefault() is { } header
            ? ParseHeader(path, System.Text.Encoding.UTF8.GetBytes(header))
            : throw new FormatException($"history '{path}' has no header line.");

    private static RunIdentity ParseHeader(string path, ReadOnlyMemory<byte> line)
    {
        try
        {
            return ReadHeader(JsonDocument.Parse(line).RootElement);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException($"history '{path}': line 1 is not a tuning-history header ({e.Message}).");
        }
    }

    /// <summary>Reads a history: its identity, its complete trials and the length of the part that parsed.</summary>
    public static (RunIdentity Identity, List<TrialRecord> Trials, long ValidLength) Read(string path, SearchSpace space)
    {
        var bytes = File.ReadAllBytes(path);
        var lines = new List<(int Start, int Length)>();
        var start = 0;
        for (var i = 0; i < bytes.Length; i++)
            if (bytes[i] == '\n')
            {
                lines.Add((start, i - start));
                start = i + 1;
            }
        if (lines.Count == 0) throw new FormatException($"history '{path}' has no header line.");
        var identity = ParseHeader(path, bytes.AsMemory(lines[0].Start, lines[0].Length));
        var trials = new List<TrialRecord>();
        long valid = lines[0].Length + 1;
        for (var l = 1; l < lines.Count; l++)
        {
            try
            {
                trials.Add(ReadTrial(JsonDocument.Parse(bytes.AsMemory(lines[l].Start, lines[l].Length)).RootElement, space));
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new FormatException($"history '{path}': line {l + 1} is not a trial ({e.Message}).");
            }
            if (trials[^1].Iteration != l - 1) throw new FormatException($"history '{path}': line {l + 1} holds iteration {trials[^1].Iteration}, expected {l - 1}.");
            valid = lines[l].Start + lines[l].Length + 1;
        }
        return (identity, trials, valid);
    }

    /// <summary>Appends a trial and flushes it to disk before returning.</summary>
    public void Append(TrialRecord trial) => WriteLine(w => WriteTrial(w, trial));

    public void Dispose() => _stream.Dispose();

    private void WriteLine(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer)) write(writer);
        buffer.WriteByte((byte)'\n');
        _stream.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
        _stream.Flush(flushToDisk: true);
    }

    private static void WriteHeader(Utf8JsonWriter w, RunIdentity identity)
    {
        w.WriteStartObject();
        w.WriteString("kind", "frugal-tuning-history");
        w.WriteNumber("version", 1);
        w.WriteString("target", identity.Target);
        w.WriteString("space", identity.Space);
        w.WriteString("spaceFingerprint", identity.SpaceFingerprint);
        w.WriteString("method", identity.Method);
        w.WriteString("seed", identity.Seed);
        w.WriteString("objective", identity.Objective);
        w.WriteBoolean("maximize", identity.Maximize);
        w.WriteEndObject();
    }

    private static RunIdentity ReadHeader(JsonElement e)
    {
        if (e.GetProperty("kind").GetString() != "frugal-tuning-history") throw new InvalidOperationException("kind is not frugal-tuning-history");
        return new RunIdentity(e.GetProperty("target").GetString()!, e.GetProperty("space").GetString()!, e.GetProperty("spaceFingerprint").GetString()!,
            e.GetProperty("method").GetString()!, e.GetProperty("seed").GetString()!, e.GetProperty("objective").GetString()!, e.GetProperty("maximize").GetBoolean());
    }

    private void WriteTrial(Utf8JsonWriter w, TrialRecord trial)
    {
        w.WriteStartObject();
        w.WriteNumber("iteration", trial.Iteration);
        w.WriteStartObject("configuration");
        foreach (var knob in _space.Knobs)
        {
            switch (trial.Configuration[knob.Name])
            {
                case long l: w.WriteNumber(knob.Name, l); break;
                case double d: w.WriteNumber(knob.Name, d); break;
                case bool b: w.WriteBoolean(knob.Name, b); break;
                case var v: w.WriteString(knob.Name, Convert.ToString(v, CultureInfo.InvariantCulture)); break;
            }
        }
        w.WriteEndObject();
        if (trial.Point is { } point)
        {
            w.WriteStartArray("point");
            foreach (var x in point) w.WriteNumberValue(x);
            w.WriteEndArray();
        }
        else w.WriteNull("point");
        w.WriteStartObject("metrics");
        foreach (var (name, value) in trial.Metrics) w.WriteNumber(name, value);
        w.WriteEndObject();
        w.WriteNumber("objective", trial.Value);
        w.WriteBoolean("failed", trial.Failed);
        if (trial.Failure is null) w.WriteNull("reason");
        else w.WriteString("reason", trial.Failure);
        w.WriteNumber("seconds", trial.Seconds);
        w.WriteString("time", trial.Finished.ToString("O", CultureInfo.InvariantCulture));
        w.WriteEndObject();
    }

    private static TrialRecord ReadTrial(JsonElement e, SearchSpace space)
    {
        var configuration = new Dictionary<string, object>();
        var values = e.GetProperty("configuration");
        foreach (var knob in space.Knobs)
        {
            var v = values.GetProperty(knob.Name);
            configuration[knob.Name] = knob.Type switch
            {
                KnobType.Integer => v.GetInt64(),
                KnobType.Real => v.GetDouble(),
                KnobType.Boolean => v.GetBoolean(),
                _ => v.GetString()!,
            };
        }
        var pointElement = e.GetProperty("point");
        var point = pointElement.ValueKind == JsonValueKind.Null ? null : pointElement.EnumerateArray().Select(x => x.GetDouble()).ToArray();
        var metrics = e.GetProperty("metrics").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
        var reason = e.GetProperty("reason");
        return new TrialRecord(e.GetProperty("iteration").GetInt32(), configuration, point, metrics, e.GetProperty("objective").GetDouble(),
            reason.ValueKind == JsonValueKind.Null ? null : reason.GetString(), e.GetProperty("seconds").GetDouble(),
            DateTimeOffset.Parse(e.GetProperty("time").GetString()!, CultureInfo.InvariantCulture));
    }
}
