namespace Frugal.Core.IO;

/// <summary>
/// An output folder written all or nothing: files go into a hidden staging folder inside it and
/// move into place only on <see cref="Commit"/>; disposing without committing removes them, so an
/// interrupted or failed run leaves the folder as it was.
/// </summary>
internal sealed class OutputFolder : IDisposable
{
    private bool _committed;

    private OutputFolder(string root, string staging)
    {
        Root = root;
        Staging = staging;
    }

    /// <summary>The folder the files end up in.</summary>
    public string Root { get; }

    /// <summary>Where to write them until <see cref="Commit"/>.</summary>
    public string Staging { get; }

    /// <summary>Creates the folder if needed and checks that it is writable.</summary>
    /// <exception cref="OutputFolderException">The folder cannot be created or written; the message says which and
    /// why.</exception>
    public static OutputFolder Open(string path)
    {
        var root = Path.GetFullPath(path);
        try
        {
            if (FileInTheWay(root) is { } file)
                throw new OutputFolderException(root,
                    file == root ? "it is a file, not a folder" : $"'{file}' is a file, not a folder");
            Directory.CreateDirectory(root);
            var staging = Path.Combine(root, $".staging-{Guid.NewGuid():N}");
            Directory.CreateDirectory(staging);
            return new OutputFolder(root, staging);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new OutputFolderException(root, e.Message);
        }
    }

    private static string? FileInTheWay(string path)
    {
        for (var p = path; p is not null; p = Path.GetDirectoryName(p))
            if (File.Exists(p)) return p;
        return null;
    }

    /// <summary>A path inside the staging folder, its parent folders created.</summary>
    public string StagedPath(params string[] parts)
    {
        var path = Path.Combine([Staging, .. parts]);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    /// <summary>
    /// Moves the staged files into place. Folders named in <paramref name="replacedWhole"/> replace
    /// their old versions entirely; every other staged file replaces only the file of the same name.
    /// </summary>
    public void Commit(params string[] replacedWhole)
    {
        foreach (var name in replacedWhole)
        {
            var staged = Path.Combine(Staging, name);
            if (!Directory.Exists(staged)) continue;
            var target = Path.Combine(Root, name);
            if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
            Directory.Move(staged, target);
        }
        foreach (var file in Directory.EnumerateFiles(Staging, "*", SearchOption.AllDirectories).ToArray())
        {
            var target = Path.Combine(Root, Path.GetRelativePath(Staging, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Move(file, target, overwrite: true);
        }
        Directory.Delete(Staging, recursive: true);
        _committed = true;
    }

    public void Dispose()
    {
        if (!_committed && Directory.Exists(Staging)) Directory.Delete(Staging, recursive: true);
    }
}

internal sealed class OutputFolderException(string path, string reason)
    : Errors.BadInputException($"cannot write to output folder '{path}': {reason}")
{
    public string Path { get; } = path;
}
