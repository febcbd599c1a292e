using System.Security.Cryptography;

namespace Frugal.Learning.Tests;

public sealed class LibStdCxxFixupTests : IDisposable
{
    // torchsharp.md §3: libLibTorchSharp.so of TorchSharp 0.107.0 (linux-x64) before and after the fix-up.
    private const string Before = "cf33b1b0bb6bbb9754a768fb5c5d04d9f498603be50e73f55621a0b40ee608b8";
    private const string After = "5968efac8270eff8a2b5ca7381612ea9cc54d81cf4104a54e0e6106b7b5f11e3";
    private const string Version = "GLIBCXX_3.4.32";

    private readonly string _folder = Directory.CreateTempSubdirectory("frugal-fixup-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string? Original()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var path = Path.Combine(packages, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native",
            "libLibTorchSharp.so");
        return File.Exists(path) ? path : null;
    }

    private string CopyOfOriginal()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "the fix-up is for Linux");
        var original = Original();
        Skip.If(original is null, "TorchSharp 0.107.0 is not in the NuGet package cache");
        var copy = Path.Combine(_folder, "libLibTorchSharp.so");
        File.Copy(original!, copy);
        return copy;
    }

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    [SkippableFact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void WeakensTheOneRequirementAndChangesNothingElse()
    {
        var copy = CopyOfOriginal();
        Assert.Equal(Before, Sha256(copy));
        var mode = File.GetUnixFileMode(copy);
        var time = File.GetLastWriteTimeUtc(copy);

        Assert.Equal(1, LibStdCxxFixup.Weaken(copy, Version));

        Assert.Equal(After, Sha256(copy));
        Assert.Equal(mode, File.GetUnixFileMode(copy));
        Assert.Equal(time, File.GetLastWriteTimeUtc(copy));
        var requirement = Assert.Single(ElfImage.Read(copy).Requirements(), r => r.Version == Version);
        Assert.Equal(2, requirement.Flags & 2);
        Assert.Empty(Directory.GetFiles(_folder, "*.tmp"));
    }

    [SkippableFact]
    public void IsIdempotent()
    {
        var copy = CopyOfOriginal();
        LibStdCxxFixup.Weaken(copy, Version);

        Assert.Equal(0, LibStdCxxFixup.Weaken(copy, Version));
        Assert.Equal(After, Sha256(copy));
    }

    [SkippableFact]
    public void NeverWritesThroughAHardLink()
    {
        // The build hard-links natives from the package cache; the fix-up must replace the link, not the cache's file.
        var copy = CopyOfOriginal();
        var link = Path.Combine(_folder, "linked.so");
        Assert.Equal(0, Link(copy, link));

        LibStdCxxFixup.Weaken(link, Version);

        Assert.Equal(Before, Sha256(copy));
        Assert.Equal(After, Sha256(link));
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "link", SetLastError = true)]
    private static extern int Link(string existing, string created);

    [SkippableFact]
    public void LeavesAFileWithoutTheRequirementAlone()
    {
        var copy = CopyOfOriginal();
        Assert.Equal(0, LibStdCxxFixup.Weaken(copy, "GLIBCXX_9.9.99"));
        Assert.Equal(Before, Sha256(copy));
    }

    [Fact]
    public void RefusesAFileThatIsNotElf()
    {
        var path = Path.Combine(_folder, "not-elf.so");
        File.WriteAllBytes(path, new byte[128]);
        Assert.Throws<InvalidDataException>(() => LibStdCxxFixup.Weaken(path, Version));
    }

    [SkippableFact]
    public void ReadsTheVersionsTheSystemLibraryDefines()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "Linux only");
        var system = LibStdCxxFixup.FindSystemLibrary(null);
        Skip.If(system is null, "no libstdc++.so.6 on this machine");
        var versions = ElfImage.Read(system!).DefinedVersions();
        Assert.Contains("GLIBCXX_3.4", versions);
        Assert.Contains("CXXABI_1.3", versions);
    }
}
