using Frugal.Core.Errors;
using Frugal.Core.Randomness;
using Frugal.Recsys.Data;

namespace Frugal.Recsys.Tests;

public sealed class DataTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("recsys-data-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void TheTopOnePercentOfRowsTakesTheirTargetShare()
    {
        var cardinalities = SyntheticCtrGenerator.KaggleCardinalities(100);
        var generator = new SyntheticCtrGenerator(cardinalities, new SeedTree(42));
        var counts = new Dictionary<long, int>();
        var accesses = 0;
        for (var b = 0; b < 100; b++)
        {
            var batch = generator.Next(2000)!;
            for (var i = 0; i < batch.Ids.Length; i++)
            {
                var key = RowKey.Of(i % batch.Tables, batch.Ids[i]);
                counts[key] = counts.GetValueOrDefault(key) + 1;
                accesses++;
            }
        }
        var top = cardinalities.Sum(n => (long)n) / 100;
        var share = counts.Values.OrderDescending().Take((int)top).Sum() / (double)accesses;
        Assert.InRange(share, SyntheticCtrGenerator.TopShare - 0.02, SyntheticCtrGenerator.TopShare + 0.02);
    }

    [Fact]
    public void TheGeneratorIsReproducibleAndLabelsAreNearTheCtr()
    {
        int[] cardinalities = [100, 1000, 40];
        var a = new SyntheticCtrGenerator(cardinalities, new SeedTree(9)).Next(5000)!;
        var b = new SyntheticCtrGenerator(cardinalities, new SeedTree(9)).Next(5000)!;
        var c = new SyntheticCtrGenerator(cardinalities, new SeedTree(10)).Next(5000)!;
        Assert.Equal(a.Ids, b.Ids);
        Assert.Equal(a.Dense, b.Dense);
        Assert.Equal(a.Labels, b.Labels);
        Assert.NotEqual(a.Ids, c.Ids);
        Assert.InRange(a.Labels.Average(l => (double)l), 0.15, 0.35);
    }

    [Theory]
    [InlineData(10000, 1.4, 1.6)] // the brief's table: 89% at s = 1.4
    [InlineData(100000, 1.2, 1.35)] // 85% at 1.2, 92% at 1.3
    [InlineData(1000000, 1.1, 1.3)] // 91% at 1.2
    public void ExponentsFallWhereTheBriefsTablePutsThem(int rows, double low, double high) =>
        Assert.InRange(SyntheticCtrGenerator.Exponent([rows]), low, high);

    [Fact]
    public void ABatchFileReplaysTheSamplesExactly()
    {
        int[] cardinalities = [30, 500];
        var path = Path.Combine(_folder, "b.bin");
        var written =
            BatchFile.Write(path, new SyntheticCtrGenerator(cardinalities, new SeedTree(1)), cardinalities, 300);
        Assert.Equal(300, written);
        var expected = new SyntheticCtrGenerator(cardinalities, new SeedTree(1)).Next(300)!;
        using var reader = BatchFile.Open(path);
        Assert.Equal(cardinalities, reader.Cardinalities);
        var first = reader.Next(200)!;
        var second = reader.Next(100)!;
        Assert.Null(reader.Next(1));
        Assert.Equal(expected.Ids, first.Ids.Concat(second.Ids));
        Assert.Equal(expected.Dense, first.Dense.Concat(second.Dense));
    }

    [Fact]
    public void ATruncatedBatchFileIsCorruptAndAForeignFileIsRefused()
    {
        var path = Path.Combine(_folder, "b.bin");
        BatchFile.Write(path, new SyntheticCtrGenerator([10], new SeedTree(1)), [10], 10);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^3]);
        Assert.Throws<CorruptDataException>(() => BatchFile.Open(path));
        File.WriteAllText(path, "label\tI1\n");
        Assert.Contains("not a Frugal batch file",
            Assert.Throws<BadInputException>(() => BatchFile.Open(path)).Message);
    }

    [Fact]
    public void CriteoLinesBecomeSamplesAndABadLineNamesFileLineAndField()
    {
        var good = "1\t" + string.Join('\t', Enumerable.Range(0, 13).Select(i => i == 2 ? "-5" : i == 3 ? "" : "7"))
            + "\t" + string.Join('\t', Enumerable.Range(0, 26).Select(i => i == 0 ? "" : "68fd1e64"));
        var path = Path.Combine(_folder, "day.tsv");
        File.WriteAllText(path, good + "\n" + good.Replace("\t7\t", "\t7x\t") + "\n");
        var cardinalities = Enumerable.Repeat(100, 26).ToArray();
        using var source = new CriteoBatchSource(path, cardinalities);
        var batch = source.Next(1)!;
        Assert.Equal(1, batch.Labels[0]);
        Assert.Equal(0f, batch.Dense[2]); // negative → 0
        Assert.Equal(0f, batch.Dense[3]); // empty → 0
        Assert.Equal((float)Math.Log(8), batch.Dense[0]);
        Assert.Equal(0, batch.Ids[0]); // empty category → reserved row 0
        Assert.Equal(1 + (int)(0x68fd1e64u % 99), batch.Ids[1]);
        var e = Assert.Throws<BadInputException>(() => source.Next(1));
        Assert.Contains("day.tsv:2: field I", e.Message);
    }
}
