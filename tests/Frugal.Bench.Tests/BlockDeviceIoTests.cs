namespace Frugal.Bench.Tests;

/// <summary>The block-layer byte counter: its parsing by hand, and a file it sees written.</summary>
public sealed class BlockDeviceIoTests
{
    private const string MountInfo = """
        27 1 254:0 / / rw,relatime - ext4 /dev/vda rw
        40 27 259:3 / /data rw,relatime - ext4 /dev/nvme0n1p3 rw
        41 27 0:45 / /data/scratch rw,relatime - tmpfs tmpfs rw
        42 27 259:4 / /my\040disk rw,relatime - xfs /dev/nvme0n1p4 rw
        """;

    private const string DiskStats = """
         254       0 vda 1565859 216422 736758250 6493092 743182 142530 272215608 813011 0 695732 7378491
         259       3 nvme0n1p3 10 0 80 1 20 0 160 2 0 3 3
        """;

    [Theory]
    [InlineData("/home/me/store", 254, 0)]
    [InlineData("/data", 259, 3)]
    [InlineData("/data/run-1", 259, 3)]
    [InlineData("/database", 254, 0)] // a prefix of the name, not a folder above it
    [InlineData("/data/scratch/x", 0, 45)]
    [InlineData("/my disk/x", 259, 4)]
    public void TheLongestMountPointAboveAPathNamesItsDevice(string path, int major, int minor) =>
        Assert.Equal((major, minor), BlockDeviceIo.MountDevice(MountInfo, path));

    [Fact]
    public void DiskStatsGiveSectorsAsBytes()
    {
        Assert.Equal(("vda", 736758250L * 512, 272215608L * 512), BlockDeviceIo.Stats(DiskStats, 254, 0));
        Assert.Equal(("nvme0n1p3", 80L * 512, 160L * 512), BlockDeviceIo.Stats(DiskStats, 259, 3));
        Assert.Null(BlockDeviceIo.Stats(DiskStats, 0, 45));
    }

    [SkippableFact]
    public void AFileWrittenAndFlushedIsCountedOnItsDisk()
    {
        var dir = Directory.CreateTempSubdirectory("frugal-block-io-");
        try
        {
            var disk = BlockDeviceIo.For(dir.FullName);
            Skip.If(disk is null, $"{dir.FullName} is on no block device (tmpfs or overlay): nothing to count");
            BlockDeviceIo.Flush();
            var before = disk.Bytes();
            const int size = 8 << 20;
            File.WriteAllBytes(Path.Combine(dir.FullName, "data"), new byte[size]);
            BlockDeviceIo.Flush();
            var written = disk.Bytes().Written - before.Written;
            Assert.True(written >= size, $"{written} bytes counted on {disk.Device} for an {size}-byte file");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
