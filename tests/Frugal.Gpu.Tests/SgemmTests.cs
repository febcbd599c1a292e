using Frugal.Gpu.Survey;
using ILGPU;
using ILGPU.Runtime.CPU;

namespace Frugal.Gpu.Tests;

/// <summary>The tiled kernel on the CPU accelerator against a plain host product (design §3.3's first GPU-free test).
/// </summary>
public class SgemmTests
{
    [Theory]
    [InlineData(64)]
    [InlineData(37)] // not a multiple of the tile: the edge tiles are padded with zeros
    public void The_tiled_kernel_matches_a_naive_product(int n)
    {
        using var context = Context.Create(b => b.CPU());
        using var accelerator = context.CreateCPUAccelerator(0);
        using var sgemm = new Sgemm(accelerator, n, seed: 7);
        sgemm.RunTimed();
        var (a, b, c) = sgemm.Download();
        double worst = 0, largest = 0;
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
            {
                double expected = 0;
                for (var k = 0; k < n; k++) expected += (double)a[i * n + k] * b[k * n + j];
                worst = Math.Max(worst, Math.Abs(c[i * n + j] - expected));
                largest = Math.Max(largest, Math.Abs(expected));
            }
        Assert.InRange(worst / largest, 0, 1e-4);
        Assert.InRange(a.Min(), -1f, 1f);
        Assert.True(a.Distinct().Count() > n * n / 2, "the inputs are not constant");
    }

    [Theory]
    [InlineData(1024, 32)]
    [InlineData(16, 4)]
    [InlineData(100, 8)]
    [InlineData(1, 1)]
    public void The_tile_is_the_largest_power_of_two_whose_square_fits_a_group(int threads, int tile) =>
        Assert.Equal(tile, Sgemm.TileFor(threads));
}
