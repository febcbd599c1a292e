using System.Diagnostics;
using Frugal.Core.Errors;
using Frugal.Core.IO;

namespace Frugal.Core.Tests;

public sealed class InputFileTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("frugal-input-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void ARegularFileWithinTheLimitPasses()
    {
        var path = Path.Combine(_root, "trace.txt");
        File.WriteAllText(path, "hello");
        Assert.Equal(5, InputFile.Check(path, "trace"));
        Assert.Equal("hello", InputFile.ReadAllText(path, "trace"));
    }

    [Fact]
    public void AFileOverTheLimitIsRefusedWithBothSizes()
    {
        var path = Path.Combine(_root, "big.txt");
        File.WriteAllText(path, new string('x', 2000));
        var e = Assert.Throws<BadInputException>(() => InputFile.Check(path, "trace", limit: 1000));
        Assert.Equal($"trace '{path}': 2,000 bytes, more than the 1,000-byte limit for a trace", e.Message);
    }

    [Fact]
    public void MissingFilesDirectoriesAndDanglingLinksAreRefused()
    {
        var missing = Path.Combine(_root, "missing");
        Assert.EndsWith("no such file",
            Assert.Throws<BadInputException>(() => InputFile.Check(missing, "trace")).Message);
        Assert.Contains("is a directory",
            Assert.Throws<BadInputException>(() => InputFile.Check(_root, "trace")).Message);
        var link = Path.Combine(_root, "link");
        File.CreateSymbolicLink(link, missing);
        Assert.Contains("a link whose target does not exist",
            Assert.Throws<BadInputException>(() => InputFile.Check(link, "trace")).Message);
    }

    [Fact]
    public void DevicesAndFifosAreRefusedWithoutBlocking()
    {
        Assert.Contains("character device",
            Assert.Throws<BadInputException>(() => InputFile.Check("/dev/zero", "trace")).Message);
        var fifo = Path.Combine(_root, "fifo");
        using (var mkfifo = Process.Start("mkfifo", fifo)) mkfifo.WaitForExit();
        Assert.Contains("named pipe",
            Assert.Throws<BadInputException>(() => InputFile.ReadAllText(fifo, "trace")).Message);
    }
}
