using System.Globalization;
using System.Text.Json;
using Frugal.Core.Errors;
using Frugal.Core.IO;
using Frugal.Tuning.Spaces;

namespace Frugal.Tuning.Loop;

/// <summary>A history read back: which run made it, and its complete trials.</summary>
/// <param name="Path">The file.</param>
/// <param name="Identity">The run that made it (its header).</param>
/// <param name="Trials">Its complete trials, iteration 0 (the default) first.</param>
/// <param name="Remeasurements">The incumbent's re-measurements, in the order they were made.</param>
/// <param name="Verifications">The rounds of the verification that ends the history, if any (none when a trial
/// follows them: the run was extended after it was verified).</param>
public sealed record RecordedRun(string Path, RunIdentity Identity, IReadOnlyList<TrialRecord> Trials,
    IReadOnlyList<Remeasurement> Remeasurements, IReadOnlyList<VerificationRound> Verifications);

/// <summary>A new history would overwrite one that holds trials already.</summary>
/// <param name="path">The history.</param>
public sealed class HistoryExistsException(string path)
    : BadInputException($"history '{path}' exists already and holds trials", TuningHistory.Setting)
{
    /// <summary>The history.</summary>
    public string Path { get; } = path;
}

/// <summary>
/// A run's trials as JSON Lines: a header line (the <see cref="RunIdentity"/>), then one line per trial (and per
/// re-measurement and verification round) appended and flushed to disk as it completes, so an interrupted run loses at
/// most the measurement in progress and a resumed run continues where it stopped. (A whole-file atomic rewrite would
/// not fit an append-only log.) Reading checks every line — the format version, each field's type and range, each
/// knob's value against its space — and names the line and field of the first fault.
/// </summary>
public sealed class TuningHistory : IDisposable
{
    /// <summary>The name errors give the history file (<see cref="BadInputException.Setting"/>).</summary>
    public const string Setting = "history";

    /// <summary>The format version written in the header; a history of another version is refused.</summary>
    public const int FormatVersion = 2;

    private const string Kind = "frugal-tuning-history";

    private readonly FileStream _stream;
    private readonly SearchSpace _space;

    private TuningHistory(string path, FileStream stream, SearchSpace space, IReadOnlyList<TrialRecord> completed,
        IReadOnlyList<Remeasurement> remeasurements, IReadOnlyList<VerificationRound> verifications)
    {
        Path = path;
        _stream = stream;
        _space = space;
        Completed = completed;
        Remeasurements = remeasurements;
        Verifications = verifications;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>The trials the file held when it was opened (none for a new history).</summary>
    public IReadOnlyList<TrialRecord> Completed { get; }

    /// <summary>The re-measurements the file held when it was opened.</summary>
    public IReadOnlyList<Remeasurement> Remeasurements { get; }

    /// <summary>The rounds of the verification that ended the file when it was opened (see
    /// <see cref="RecordedRun.Verifications"/>).</summary>
    public IReadOnlyList<VerificationRound> Verifications { get; }

    /// <summary>
    /// Whether <paramref name="path"/> holds a history with something in it, which a new run must not overwrite.
    /// </summary>
    internal static bool HoldsTrials(string path) => File.Exists(path) && new FileInfo(path).Length > 0;

    /// <summary>Starts a new history at <paramref name="path"/>.</summary>
    /// <exception cref="HistoryExistsException">The file exists already and holds trials (resume it or pick another
    /// path).</exception>
    public static TuningHistory Create(string path, RunIdentity identity, SearchSpace space)
    {
        if (HoldsTrials(path)) throw new HistoryExistsException(path);
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read);
        var history = new TuningHistory(path, stream, space, [], [], []);
        history.WriteLine(w => WriteHeader(w, identity, space.Host));
        return history;
    }

    /// <summary>
    /// Opens an existing history to continue it: checks it was made by the same run, keeps its complete trials and cuts
    /// off
    /// a last line the interruption left half-written.
    /// </summary>
    /// <exception cref="BadInputException">There is no such file, it is not a valid history, or another run made it
    /// (the message names the line and field, or the setting that differs). Nothing is changed then.</exception>
    public static TuningHistory Resume(string path, RunIdentity identity, SearchSpace space)
    {
        var (recorded, validLength) = Read(path, space, recorded => recorded.FirstDifference(identity));
        var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.Read);
        stream.SetLength(validLength);
        stream.Seek(0, SeekOrigin.End);
        return new TuningHistory(path, stream, space, recorded.Trials, recorded.Remeasurements,
            recorded.Verifications);
    }

    /// <summary>
    /// Reads a history made on target <paramref name="target"/> over <paramref name="space"/> (by any method and seed).
    /// </summary>
    /// <exception cref="BadInputException">There is no such file, it is not a valid history, or it was made on another
    /// target or space.</exception>
    public static RecordedRun Load(string path, string target, SearchSpace space)
    {
        var fingerprint = space.Fingerprint();
        return Read(path, space, recorded => recorded.SystemDifference(target, space.Name, fingerprint)).Run;
    }

    /// <summary>
    /// The machine whose memory and cores bounded the host-scaled knob ranges of the history at
    /// <paramref name="path"/>, from its header; null where it records none (no knob of its space follows the host, or
    /// an older frugal wrote it) or there is no history there yet. A resumed run takes its ranges from
    /// there, since this machine's memory may differ (another machine, or the same virtual machine after a reboot).
    /// </summary>
    /// <exception cref="BadInputException">The file's header is not a history's.</exception>
    public static HostResources? RecordedHost(string path)
    {
        if (!HoldsTrials(path)) return null;
        // The header line only: a command asks this of every history it resumes, before it reads any of them whole.
        using var stream = File.OpenRead(path);
        var header = new MemoryStream();
        int next;
        while ((next = stream.ReadByte()) is not (-1 or '\n')) header.WriteByte((byte)next);
        if (next == -1) throw new BadInputException($"history '{path}' has no header line");
        return ReadHeader(new HistoryLine(path, 1, header.GetBuffer().AsMemory(0, (int)header.Length))).Host;
    }

    /// <summary>Appends a trial and flushes it to disk before returning.</summary>
    public void Append(TrialRecord trial) => WriteLine(w => WriteTrial(w, trial));

    /// <summary>Appends a re-measurement and flushes it to disk before returning.</summary>
    public void Append(Remeasurement again) => WriteLine(w => WriteRemeasurement(w, again));

    /// <summary>Appends a verification round and flushes it to disk before returning.</summary>
    public void Append(VerificationRound round) => WriteLine(w => WriteVerification(w, round));

    /// <summary>Closes the file.</summary>
    public void Dispose() => _stream.Dispose();

    /// <summary>
    /// Reads a history: its identity, which <paramref name="difference"/> must find no fault with (before the trials
    /// are read against <paramref name="space"/>), its complete trials, and the length of the part made of complete
    /// lines.
    /// </summary>
    private static (RecordedRun Run, long ValidLength) Read(
        string path, SearchSpace space, Func<RunIdentity, string?> difference)
    {
        InputFile.Check(path, "history");
        var bytes = File.ReadAllBytes(path);
        var lines = new List<(int Start, int Length)>();
        var start = 0;
        for (var i = 0; i < bytes.Length; i++)
            if (bytes[i] == '\n')
            {
                lines.Add((start, i - start));
                start = i + 1;
            }
        if (lines.Count == 0) throw new BadInputException($"history '{path}' has no header line");
        var identity = ReadHeader(new HistoryLine(path, 1, bytes.AsMemory(lines[0].Start, lines[0].Length))).Identity;
        if (difference(identity) is { } different)
            throw new BadInputException(
                $"history '{path}' was made with {different}; use the same settings, or another history");
        var trials = new List<TrialRecord>();
        var remeasurements = new List<Remeasurement>();
        var verifications = new List<VerificationRound>();
        for (var l = 1; l < lines.Count; l++)
        {
            var line = new HistoryLine(path, l + 1, bytes.AsMemory(lines[l].Start, lines[l].Length));
            var root = line.Root();
            if (root.TryGetProperty("verify", out _))
            {
                var round = ReadVerification(line, root, verifications, trials.Count);
                // Round 0 starts a verification of its own: a run extended and verified again.
                if (round.Round == 0) verifications.Clear();
                verifications.Add(round);
                continue;
            }
            // A trial or re-measurement after a verification extends the run, whose best then needs verifying anew.
            verifications.Clear();
            if (root.TryGetProperty("remeasure", out _))
                remeasurements.Add(ReadRemeasurement(line, root, trials.Count));
            else trials.Add(ReadTrial(line, root, trials.Count, space));
        }
        return (new RecordedRun(path, identity, trials, remeasurements, verifications),
            lines[^1].Start + lines[^1].Length + 1);
    }

    private void WriteLine(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer)) write(writer);
        buffer.WriteByte((byte)'\n');
        _stream.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
        _stream.Flush(flushToDisk: true);
    }

    private static void WriteHeader(Utf8JsonWriter w, RunIdentity identity, HostResources? host)
    {
        w.WriteStartObject();
        w.WriteString("kind", Kind);
        w.WriteNumber("version", FormatVersion);
        w.WriteString("target", identity.Target);
        w.WriteString("space", identity.Space);
        w.WriteString("spaceFingerprint", identity.SpaceFingerprint);
        w.WriteString("method", identity.Method);
        w.WriteString("seed", identity.Seed);
        w.WriteString("objective", identity.Objective);
        w.WriteBoolean("maximize", identity.Maximize);
        if (host is not null)
        {
            w.WriteStartObject("host");
            w.WriteNumber("memoryBytes", host.MemoryBytes);
            w.WriteNumber("cores", host.Cores);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static (RunIdentity Identity, HostResources? Host) ReadHeader(HistoryLine line)
    {
        var header = line.Root();
        if (line.String(header, "kind") != Kind) throw line.Fault("kind", $"not a tuning history (expected '{Kind}')");
        var version = line.Whole(header, "version");
        if (version != FormatVersion)
            throw line.Fault("version", $"{version} is not a format this frugal reads (it reads {FormatVersion})");
        var identity = new RunIdentity(
            line.String(header, "target"), line.String(header, "space"), line.String(header, "spaceFingerprint"),
            line.String(header, "method"), line.String(header, "seed"), line.String(header, "objective"),
            line.Boolean(header, "maximize"));
        return (identity, ReadHost(line, header));
    }

    /// <summary>The header's optional <c>host</c>: positive whole memory bytes and cores.</summary>
    private static HostResources? ReadHost(HistoryLine line, JsonElement header)
    {
        if (!header.TryGetProperty("host", out var host)) return null;
        if (host.ValueKind != JsonValueKind.Object)
            throw line.Fault("host", $"must be an object {{memoryBytes, cores}}, not {host.GetRawText()}");
        long Positive(string name, long largest)
        {
            if (!host.TryGetProperty(name, out var value)) throw line.Fault($"host.{name}", "required");
            return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var whole) && whole > 0 &&
                whole <= largest
                    ? whole
                    : throw line.Fault($"host.{name}", $"must be a positive whole number, not {value.GetRawText()}");
        }
        return new HostResources(Positive("memoryBytes", long.MaxValue), (int)Positive("cores", int.MaxValue));
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
        WriteRuns(w, trial.Runs);
        WriteEnd(w, trial.Failure, trial.Seconds, trial.Finished);
    }

    private static void WriteRemeasurement(Utf8JsonWriter w, Remeasurement again)
    {
        w.WriteStartObject();
        w.WriteNumber("remeasure", again.Of);
        w.WriteNumber("after", again.After);
        if (again.Failed) w.WriteNull("objective");
        else w.WriteNumber("objective", again.Value);
        WriteRuns(w, again.Runs);
        WriteEnd(w, again.Failure, again.Seconds, again.Finished);
    }

    private static void WriteVerification(Utf8JsonWriter w, VerificationRound round)
    {
        w.WriteStartObject();
        w.WriteNumber("verify", round.Round);
        w.WriteNumber("of", round.Of);
        WriteValue(w, "default", round.Default);
        WriteValue(w, "best", round.Best);
        w.WriteString("time", round.Finished.ToString("O", CultureInfo.InvariantCulture));
        w.WriteEndObject();
    }

    /// <summary>A measured value, or null where the measurement failed (NaN).</summary>
    private static void WriteValue(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsNaN(value)) w.WriteNull(name);
        else w.WriteNumber(name, value);
    }

    private static void WriteRuns(Utf8JsonWriter w, IReadOnlyList<double> runs)
    {
        w.WriteStartArray("runs");
        foreach (var run in runs) w.WriteNumberValue(run);
        w.WriteEndArray();
    }

    private static void WriteEnd(Utf8JsonWriter w, string? failure, double seconds, DateTimeOffset finished)
    {
        w.WriteBoolean("failed", failure is not null);
        if (failure is null) w.WriteNull("reason");
        else w.WriteString("reason", failure);
        w.WriteNumber("seconds", seconds);
        w.WriteString("time", finished.ToString("O", CultureInfo.InvariantCulture));
        w.WriteEndObject();
    }

    private static TrialRecord ReadTrial(HistoryLine line, JsonElement e, int expected, SearchSpace space)
    {
        var iteration = line.Whole(e, "iteration");
        if (iteration != expected) throw line.Fault("iteration", $"{iteration}, expected {expected}");
        var values = line.Field(e, "configuration", JsonValueKind.Object);
        var configuration = new Dictionary<string, object>();
        foreach (var knob in space.Knobs) configuration[knob.Name] = line.KnobValue(values, knob);
        foreach (var property in values.EnumerateObject())
            if (!configuration.ContainsKey(property.Name))
                throw line.Fault($"configuration.{property.Name}", $"the space has no knob '{property.Name}'");
        var point = line.Point(e);
        var metrics = line.Field(e, "metrics", JsonValueKind.Object).EnumerateObject()
            .ToDictionary(p => p.Name, p => line.Number(p.Value, $"metrics.{p.Name}"));
        if (iteration == 0 && line.Boolean(e, "failed"))
            throw line.Fault("failed", "the default configuration (iteration 0) cannot have failed");
        var (reason, runs, seconds, when) = ReadEnd(line, e);
        var objective = line.Number(line.Field(e, "objective"), "objective");
        return new TrialRecord(expected, configuration, point, metrics, objective, reason, seconds, when)
        {
            Runs = runs,
        };
    }

    private static Remeasurement ReadRemeasurement(HistoryLine line, JsonElement e, int trials)
    {
        var of = line.Whole(e, "remeasure");
        var after = line.Whole(e, "after");
        if (after != trials - 1 || trials < 2)
            throw line.Fault("after", $"{after}, expected the last trial read ({trials - 1}, not the default)");
        if (of < 0 || of > after) throw line.Fault("remeasure", $"{of} is not a trial before it");
        var (reason, runs, seconds, when) = ReadEnd(line, e);
        var objective = line.Field(e, "objective");
        if (reason is null != (objective.ValueKind == JsonValueKind.Number))
            throw line.Fault("objective", reason is null ? "a successful re-measurement needs its value"
                : "a failed re-measurement has no value (null)");
        var value = reason is null ? line.Number(objective, "objective") : double.NaN;
        return new Remeasurement((int)after, (int)of, runs, value, reason, seconds, when);
    }

    /// <summary>
    /// A verification round: round 0, or the round after the last one read (of the same trial); the trial verified is
    /// one read before it.
    /// </summary>
    private static VerificationRound ReadVerification(HistoryLine line, JsonElement e,
        IReadOnlyList<VerificationRound> before, int trials)
    {
        var round = line.Whole(e, "verify");
        if (round != 0 && round != before.Count)
            throw line.Fault("verify", $"round {round}, expected 0 or {before.Count}");
        var of = line.Whole(e, "of");
        if (of < 0 || of >= trials) throw line.Fault("of", $"{of} is not a trial before it");
        if (round > 0 && of != before[^1].Of)
            throw line.Fault("of", $"{of}, while the rounds before it verified trial {before[^1].Of}");
        return new VerificationRound((int)round, (int)of, ReadValue(line, e, "default"), ReadValue(line, e, "best"),
            ReadTime(line, e));
    }

    /// <summary>A measured value, or NaN for null (a failed measurement).</summary>
    private static double ReadValue(HistoryLine line, JsonElement e, string name)
    {
        var value = line.Field(e, name);
        return value.ValueKind == JsonValueKind.Null ? double.NaN : line.Number(value, name);
    }

    /// <summary>The fields trials and re-measurements share: runs, failure and reason, seconds, time.</summary>
    private static (string? Reason, double[] Runs, double Seconds, DateTimeOffset When) ReadEnd(
        HistoryLine line, JsonElement e)
    {
        var runs = line.Field(e, "runs", JsonValueKind.Array).EnumerateArray()
            .Select(r => line.Number(r, "runs")).ToArray();
        var failed = line.Boolean(e, "failed");
        var reason = line.Field(e, "reason");
        if (reason.ValueKind is not (JsonValueKind.Null or JsonValueKind.String))
            throw line.Fault("reason", "must be a string or null");
        if (failed != (reason.ValueKind == JsonValueKind.String))
            throw line.Fault("reason", failed ? "a failed trial needs its reason" : "a successful trial has no reason");
        if (failed && runs.Length > 0) throw line.Fault("runs", "a failed measurement has no runs");
        var seconds = line.Number(line.Field(e, "seconds"), "seconds");
        if (seconds < 0) throw line.Fault("seconds", $"{seconds.ToString(CultureInfo.InvariantCulture)} is negative");
        return (failed ? reason.GetString() : null, runs, seconds, ReadTime(line, e));
    }

    /// <summary>When a line's measurement ended.</summary>
    private static DateTimeOffset ReadTime(HistoryLine line, JsonElement e)
    {
        var time = line.String(e, "time");
        return DateTimeOffset.TryParseExact(time, "O", CultureInfo.InvariantCulture, DateTimeStyles.None, out var when)
            ? when
            : throw line.Fault("time", $"'{time}' is not a time in ISO 8601 round-trip form");
    }
}
