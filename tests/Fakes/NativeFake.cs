using System.Diagnostics;

namespace Frugal.Tests.Fakes;

/// <summary>
/// Compiles a fake native library (a C file copied next to the tests) with the system's <c>cc</c>, so tests can bind
/// it in place of a driver library. Without a compiler the tests that need it skip, saying why.
/// </summary>
internal static class NativeFake
{
    /// <summary>Compiles <c>Fakes/<paramref name="source"/></c> into <paramref name="folder"/>.</summary>
    /// <returns>The library's path, or null and why it could not be built.</returns>
    public static (string? Library, string? Problem) Compile(string source, string folder)
    {
        var library = Path.Combine(folder, Path.ChangeExtension("lib" + source, ".so"));
        var path = Path.Combine(AppContext.BaseDirectory, "Fakes", source);
        try
        {
            using var cc = Process.Start(new ProcessStartInfo("cc", ["-shared", "-fPIC", "-o", library, path])
            { RedirectStandardError = true })!;
            var errors = cc.StandardError.ReadToEnd();
            cc.WaitForExit();
            return cc.ExitCode == 0 ? (library, null) : (null, $"cc failed: {errors}");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (null, "no C compiler (cc) to build the fake library");
        }
    }
}
