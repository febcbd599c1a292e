using static TorchSharp.torch;

namespace Frugal.Learning.Tests;

public class SmokeTests
{
    [Fact]
    public void Adds()
    {
        using var a = tensor(new float[] { 1, 2 });
        using var b = a + a;
        Assert.Equal(4f, b[1].item<float>());
    }
}
