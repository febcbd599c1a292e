using System.Security.Cryptography;
using static TorchSharp.torch;

namespace Frugal.Learning.Tests;

/// <summary>TorchSharp loads and computes from the build output, and the libstdc++ fix-up did (only) its job.</summary>
public class TorchRuntimeTests
{
    private const string Version = "GLIBCXX_3.4.32";

    [Fact]
    public void TorchLoadsAndRunsAnOperation()
    {
        using var a = tensor(new float[] { 1, 2, 3 });
        using var b = a.matmul(a);
        Assert.Equal(14f, b.item<float>());
    }

    [SkippableFact]
    public void OutputGlueIsPatchedExactlyWhereTheSystemLibraryLacksTheVersion()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && System.Runtime.InteropServices.RuntimeInformation.OSArchitecture
            == System.Runtime.InteropServices.Architecture.X64, "the fix-up applies to Linux x86-64 only");
        var glue = Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so");
        var system = LibStdCxxFixup.FindSystemLibrary(Environment.GetEnvironmentVariable("LD_LIBRARY_PATH"));
        Assert.NotNull(system);
        var requirement = Assert.Single(ElfImage.Read(glue).Requirements(), r => r.Version == Version);
        Assert.Equal("libstdc++.so.6", requirement.Library);
        var weak = (requirement.Flags & 2) != 0;
        Assert.Equal(!LibStdCxxFixup.Defines(system, Version), weak);
    }
}
