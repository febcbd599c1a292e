using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Frugal.Core.Errors;
using Frugal.Core.IO;
using Frugal.Core.Results;

namespace Frugal.Compression.Study;

/// <summary>
/// A study's JSONL file: the first line holds the settings, each further line one finished run, appended and flushed
/// as the run ends. A study stopped at any moment resumes from it: finished runs are kept and never rerun, a last line
/// cut short is dropped, and a resume with other settings is refused before anything is written.
/// </summary>
public sealed class StudyLog : IDisposable
{
    /// <summary>The setting named in the error for a file that exists but is not being resumed.</summary>
    public const string ResumeSetting = "resume";

    private static readonly JsonSerializerOptions Lines = new(ResultJson.Options) { WriteIndented = false };
    private readonly StreamWriter _writer;

    private StudyLog(StreamWriter writer, IReadOnlyList<RunRecord> finished)
    {
        _writer = writer;
        Finished = finished;
    }

    /// <summary>The runs already finished when the log was opened.</summary>
    public IReadOnlyList<RunRecord> Finished { get; }

    /// <summary>
    /// Opens <paramref name="path"/> for <paramref name="settings"/>: a new file, or with <paramref name="resume"/> an
    /// existing one of the same settings.
    /// </summary>
    /// <exception cref="BadInputException">The file exists and <paramref name="resume"/> is false; its settings differ;
    /// a line is not a record.</exception>
    public static StudyLog Open(string path, StudySettings settings, bool resume)
    {
        var name = Path.GetFileName(path);
        var header = JsonSerializer.Serialize(new Header(settings), Lines);
        var exists = File.Exists(path) && new FileInfo(path).Length > 0;
        if (exists && !resume)
            throw new BadInputException($"study file '{name}' already holds a study: resume it or name another file",
                ResumeSetting);
        if (!exists)
        {
            var created = new StreamWriter(path, append: false, new UTF8Encoding(false));
            created.WriteLine(header);
            created.Flush();
            return new StudyLog(created, []);
        }
        InputFile.Check(path, "study file");
        var text = File.ReadAllText(path);
        var complete = text.LastIndexOf('\n') + 1; // a last line without its newline was cut short: dropped
        var lines = text[..complete].Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0) throw new BadInputException($"study file '{name}': its first line was cut short");
        CompareSettings(name, lines[0], header);
        var finished = new List<RunRecord>();
        for (var i = 1; i < lines.Length; i++)
        {
            try
            {
                finished.Add(JsonSerializer.Deserialize<RunRecord>(lines[i], Lines)
                    ?? throw new JsonException("empty"));
            }
            catch (JsonException)
            {
                throw new BadInputException($"{name}:{i + 1}: not a run record");
            }
        }
        if (complete < Encoding.UTF8.GetByteCount(text))
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
            stream.SetLength(Encoding.UTF8.GetByteCount(text[..complete]));
        }
        return new StudyLog(new StreamWriter(path, append: true, new UTF8Encoding(false)), finished);
    }

    private static void CompareSettings(string name, string line, string header)
    {
        JsonNode? file;
        try
        {
            file = JsonNode.Parse(line)?["settings"];
        }
        catch (JsonException)
        {
            file = null;
        }
        if (file is not JsonObject fileSettings)
            throw new BadInputException($"study file '{name}': line 1 is not a study's settings");
        var now = (JsonObject)JsonNode.Parse(header)!["settings"]!;
        foreach (var (field, value) in now)
        {
            var before = fileSettings[field]?.ToJsonString() ?? "null";
            var after = value?.ToJsonString() ?? "null";
            if (before != after)
                throw new BadInputException($"study file '{name}' was started with other settings: field {field} is " +
                                            $"{before} in the file but {after} now; use the same settings or another " +
                                            "file", ResumeSetting);
        }
    }

    /// <summary>Appends a finished run and flushes it to disk.</summary>
    public void Append(RunRecord run)
    {
        _writer.WriteLine(JsonSerializer.Serialize(run, Lines));
        _writer.Flush();
    }

    /// <inheritdoc/>
    public void Dispose() => _writer.Dispose();

    private sealed record Header(StudySettings Settings)
    {
        public string Kind => "frugal compression study";
    }
}
