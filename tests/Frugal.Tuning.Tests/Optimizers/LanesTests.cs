using Frugal.Core.Randomness;
using Frugal.Tuning.Optimizers;

namespace Frugal.Tuning.Tests.Optimizers;

public class LanesTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(90)]
    public void FourLaneLoopsAgreeWithPlainLoops(int length)
    {
        var random = new RandomStream((ulong)length);
        var a = Enumerable.Range(0, length).Select(_ => random.NextDouble()).ToArray();
        var b = Enumerable.Range(0, length).Select(_ => random.NextDouble()).ToArray();

        Assert.Equal(a.Zip(b, (x, y) => (x - y) * (x - y)).Sum(), Lanes.SquaredDistance(a, b), 12);
        Assert.Equal(a.Zip(b, (x, y) => x * y).Sum(), Lanes.Dot(a, b), 12);
        var target = Enumerable.Repeat(1.0, length).ToArray();
        Lanes.AddScaledSquaredDifference(target, -2, a, b);
        Assert.Equal(a.Zip(b, (x, y) => 1 - 2 * (x - y) * (x - y)), target, (x, y) => Math.Abs(x - y) < 1e-14);
    }
}
