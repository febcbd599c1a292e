namespace Frugal.Core.IO;

/// <summary>
/// Finds the real reference data (a Slurm trace, Shockwave's trace and throughputs) that lives,
/// with its licence, in <c>../shared/data/</c> beside the repository rather than in it.
/// </summary>
public static class ReferenceData
{
    /// <summary>
    /// The folder <c>shared/data/<paramref name="name"/></c> beside the repository root (the
    /// folder holding Frugal.slnx), searched upwards from the working directory and from the
    /// program's own folder; null where it is absent.
    /// </summary>
    public static string? Locate(string name)
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (!File.Exists(Path.Combine(dir.FullName, "Frugal.slnx"))) continue;
                var candidate = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data", name));
                if (Directory.Exists(candidate)) return candidate;
                break;
            }
        }
        return null;
    }

    /// <summary>Why data that <see cref="Locate"/> did not find is missing, for a skipped test's message.</summary>
    public static string MissingReason(string name) =>
        $"reference data '{name}' not found: expected ../shared/data/{name} beside the repository root";
}
