using Frugal.Learning.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using HeldScalars = Frugal.Learning.Training.HeldScalars;

namespace Frugal.Learning.Tests;

public sealed class HeldScalarOptimizerTests
{
    private const int Steps = 40;

    /// <summary>Runs <see cref="Steps"/> steps of a quadratic loss from fixed parameters; returns them flattened.</summary>
    private static float[] Train(Func<IEnumerable<Parameter>, optim.Optimizer> create)
    {
        using var weight = new Parameter(linspace(-1, 1, 12).reshape(3, 4));
        using var bias = new Parameter(linspace(0.5, -0.5, 4));
        using var optimizer = create([weight, bias]);
        using var target = linspace(2, -3, 12).reshape(3, 4);
        for (var s = 0; s < Steps; s++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            ((weight - target).pow(2).sum() + (bias * weight).sum().pow(2)).backward();
            optimizer.step();
        }
        return [.. weight.data<float>().ToArray(), .. bias.data<float>().ToArray()];
    }

    [Fact]
    public void AdamMatchesTorchSharpsAdamBitForBit()
    {
        var expected = Train(p => optim.Adam(p, 0.05, weight_decay: 0.01));
        var actual = Train(p => new HeldScalars.Adam(p, 0.05, weightDecay: 0.01));
        Assert.Equal(expected, actual);
        Assert.NotEqual(Train(p => optim.Adam(p, 0.05)), actual); // the decay is applied
    }

    [Fact]
    public void AdagradMatchesTorchSharpsAdagradBitForBit()
    {
        var expected = Train(p => optim.Adagrad(p, 0.1));
        Assert.Equal(expected, Train(p => new HeldScalars.Adagrad(p, 0.1)));
    }
}
