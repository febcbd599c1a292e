namespace Frugal.Cli.Commands;

/// <summary>
/// Checks, before a command starts its work, that the places it will write to can be written: a run that computes for
/// an hour and only then finds it cannot save its results has lost the hour. The checks leave nothing behind.
/// </summary>
internal static class OutputPaths
{
    /// <summary>
    /// Why the folder <paramref name="path"/> cannot be created or written into, or null when it can.
    /// </summary>
    public static string? FolderProblem(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) return "no folder named";
        if (FullPath(path) is not { } full) return $"'{path}' is not a valid path";
        // The nearest part of the path that exists must be a folder this process may write into.
        for (var part = full; part is not null; part = Path.GetDirectoryName(part))
        {
            if (File.Exists(part)) return $"'{(part == full ? path : part)}' is a file, not a folder";
            if (Directory.Exists(part)) return Writable(part) ? null : $"cannot write into folder '{part}'";
        }
        return $"'{path}' has no folder to be created in";
    }

    /// <summary>
    /// Why the file <paramref name="path"/> cannot be written, or null when it can. Its folder must exist unless the
    /// writer creates it (<paramref name="createsFolder"/>).
    /// </summary>
    public static string? FileProblem(string path, bool createsFolder)
    {
        if (string.IsNullOrWhiteSpace(path)) return "no file named";
        if (FullPath(path) is not { } full) return $"'{path}' is not a valid path";
        if (Directory.Exists(full)) return $"'{path}' is a folder, not a file";
        var folder = Path.GetDirectoryName(full)!;
        if (!createsFolder && !Directory.Exists(folder))
            return File.Exists(folder) ? $"'{folder}' is a file, not a folder" : $"folder '{folder}' does not exist";
        return FolderProblem(folder);
    }

    private static string? FullPath(string path)
    {
        try
        {
            return path.Contains('\0') ? null : Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or PathTooLongException or NotSupportedException)
        {
            return null;
        }
    }

    private static bool Writable(string folder)
    {
        // Creating a file answers for permissions, read-only mounts and access lists alike; it is deleted on closing.
        try
        {
            var probe = Path.Combine(folder, $".frugal-write-check-{Guid.NewGuid():N}");
            using var stream = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None,
                bufferSize: 1, FileOptions.DeleteOnClose);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
