using Frugal.Compression.Codecs;
using static TorchSharp.torch;

namespace Frugal.Compression.Tests;

public sealed class SlotStateTests
{
    [Fact]
    public void AHeldTensorOutlivesTheScopesItWasSetIn()
    {
        using var state = new SlotState();
        var context = new BoundaryContext(BoundaryKind.TensorReduce, Slot: 1, Rank: 2);
        // A study step opens a scope, and the model opens one more inside it: the residual must survive both.
        using (NewDisposeScope())
        using (NewDisposeScope())
            state.Set(context, ones(3, 4) * 2);
        var held = state.Get(context, [3, 4]);
        Assert.NotNull(held);
        Assert.Equal(24, held.sum().item<float>());
        Assert.Null(state.Get(context, [4, 3]));
    }
}
