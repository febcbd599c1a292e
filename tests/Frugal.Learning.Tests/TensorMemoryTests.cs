using Frugal.Learning.Memory;
using static TorchSharp.torch;

namespace Frugal.Learning.Tests;

public class TensorMemoryTests
{
    [Fact]
    public void CountsParametersGradientsBuffersAndOptimiserState()
    {
        // Linear(3, 4): 12 + 4 float32 = 64 bytes. BatchNorm1d(4): weight and bias 2 × 4 float32 = 32 bytes,
        // running mean and variance 2 × 4 float32 = 32 bytes, num_batches_tracked one int64 = 8 bytes.
        using var model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4));
        using var adam = optim.Adam(model.parameters(), 0.01);

        // TorchSharp's Adam allocates its two moments per parameter element (exp_avg, exp_avg_sq) at once.
        var fresh = TensorMemory.Of(model, adam);
        Assert.Equal(new TensorBytes(Parameters: 96, Gradients: 0, Buffers: 40, OptimizerState: 192), fresh);

        using (var input = ones(5, 3))
        using (var loss = model.call(input).square().sum())
            loss.backward();
        adam.step();

        var trained = TensorMemory.Of(model, adam);
        Assert.Equal(new TensorBytes(Parameters: 96, Gradients: 96, Buffers: 40, OptimizerState: 192), trained);
        Assert.Equal(96 + 96 + 40 + 192, trained.Total);
        Assert.Equal(0, TensorMemory.Of(model).OptimizerState);
    }

    [Fact]
    public void CountsASparseTensorsIndicesAndValues()
    {
        using var indices = tensor(new long[] { 0, 2, 1, 0 }, [2, 2]);
        using var values = tensor(new float[] { 1, 2 });
        using var sparse = sparse_coo_tensor(indices, values, [3, 3]);
        Assert.Equal(4 * 8 + 2 * 4, TensorMemory.Bytes(sparse));
    }
}
