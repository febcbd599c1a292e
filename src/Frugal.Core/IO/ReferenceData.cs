namespace Frugal.Core.IO;

/// <summary>
/// Finds the real reference data the repository ships in <c>data/</c> (Shockwave's trace and
/// throughputs, a Slurm trace, PAL's variability tables, Cora, FB15k-237), each folder with its
/// licence and a README.
/// </summary>
public static class ReferenceData
{
    /// <summary>
    /// The folder <c>data/<paramref name="name"/></c> in the repository (the folder holding
    /// Frugal.slnx), searched upwards from the working directory and from the program's own
    /// folder; null where it is absent (a program copied out of its repository).
    /// </summary>
    public static string? Locate(string name)
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (!File.Exists(Path.Combine(dir.FullName, "Frugal.slnx"))) continue;
                var candidate = Path.Combine(dir.FullName, "data", name);
                if (Directory.Exists(candidate)) return candidate;
                break;
            }
        }
        return null;
    }

    /// <summary>The folder <see cref="Locate"/> finds.</summary>
    /// <exception cref="DirectoryNotFoundException">The repository's <c>data/<paramref name="name"/></c> is not
    /// there.</exception>
    public static string Require(string name) =>
        Locate(name) ?? throw new DirectoryNotFoundException(
            $"reference data '{name}' not found: expected data/{name} in the Frugal repository (run from inside a " +
                $"clone)");
}
