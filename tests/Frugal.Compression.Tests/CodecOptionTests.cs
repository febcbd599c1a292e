using Frugal.Compression.Codecs;
using Frugal.Core.Errors;
using TorchSharp;
using static TorchSharp.torch;

namespace Frugal.Compression.Tests;

/// <summary>Quantisation's options (stochastic rounding, the 2·RMS scale, specs) and the SRHT and circulant sketches.
/// </summary>
public sealed class CodecOptionTests
{
    private static Tensor Normal(long[] shape, ulong seed = 1)
    {
        using var g = new Generator(seed);
        return randn(shape, generator: g);
    }

    private static Tensor RoundTrip(ICodec codec, Tensor x) =>
        codec.Decode(codec.Encode(x, BoundaryContext.Alone), BoundaryContext.Alone);

    private static float MaxError(Tensor a, Tensor b) => (a - b).abs().max().item<float>();

    private static double RelativeError(Tensor estimate, Tensor x) =>
        (estimate - x).norm().item<float>() / x.norm().item<float>();

    [Theory]
    [InlineData(8)]
    [InlineData(4)]
    [InlineData(2)]
    public void StochasticRoundingIsUnbiasedWithinTheClipRange(int bits)
    {
        // Each channel's largest magnitude is a negative value (code −2^(w−1), inside the range), so no value reaches
        // the clipped top code. The row is repeated 4,000 times: every copy gets its own draws.
        const int draws = 4000;
        // Codes run from −2^(w−1) to 2^(w−1) − 1: at 2 bits, x/σ from −1 to 1/2.
        var row = Normal([1, 16]).clamp(-0.7, 0.45);
        var x = cat([full([1, 16], -1f), row.expand(draws - 1, 16)], 0);
        using var codec = new QuantizationCodec(bits, stochastic: true, seed: 3);
        var mean = RoundTrip(codec, x)[1..].mean([0]);
        // One draw is off by up to a step σ/2^(w−1); the mean of 4,000 by far less.
        var step = 1.0 / (1 << (bits - 1));
        Assert.True(MaxError(mean, row[0]) < 0.05 * step, $"mean off by {MaxError(mean, row[0])}");
        // Rounding to nearest is biased: its error on a copy is the same on all of them.
        using var nearest = new QuantizationCodec(bits);
        Assert.True(MaxError(RoundTrip(nearest, x)[1..].mean([0]), row[0]) > 0.2 * step);
    }

    [Fact]
    public void StochasticRoundingIsSeededAndKeepsThePackedSize()
    {
        var x = Normal([16, 3, 24]);
        Tensor Decoded(ulong seed)
        {
            using var codec = new QuantizationCodec(4, stochastic: true, seed: seed);
            var e = codec.Encode(x, BoundaryContext.Alone);
            Assert.Equal(16 * 3 * 12 + 2 * 24, codec.PayloadBytes(e));
            return codec.Decode(e, BoundaryContext.Alone);
        }
        Assert.True(Decoded(5).eq(Decoded(5)).all().item<bool>());
        Assert.False(Decoded(5).eq(Decoded(6)).all().item<bool>());
    }

    [Fact]
    public void TheRmsScaleIsTwiceTheChannelRmsAndClipsTheTails()
    {
        var x = Normal([64, 8, 16]);
        using var rms = new QuantizationCodec(8, scale: QuantizationScale.Rms);
        var e = rms.Encode(x, BoundaryContext.Alone);
        Assert.Equal(64 * 8 * 16 + 2 * 16, rms.PayloadBytes(e));
        var expected = 2 * x.reshape(-1, 16).square().mean([0]).sqrt();
        var scale = e.Parts[1].to(float32);
        Assert.True(MaxError(scale, expected) < 0.01f);
        // Finer steps inside ±σ: the error there is at most half a step σ/2^8 (plus fp16 rounding of σ).
        var y = rms.Decode(e, BoundaryContext.Alone);
        var inside = x.abs().reshape(-1, 16) < expected * 0.99;
        var error = (y - x).abs().reshape(-1, 16);
        Assert.True((error * inside.to(float32)).max().item<float>() <= (scale / 256 * 1.01f).max().item<float>());
        // Values beyond the scale are clipped to it.
        Assert.True(y.abs().max().item<float>() <= scale.max().item<float>());
        Assert.True(MaxError(y, x) > 0.5f);
    }

    [Fact]
    public void SpecsReadOptionsAndRejectThemWhereTheyDoNotApply()
    {
        var s = CodecSettings.Parse("Q4+rms+stochastic");
        Assert.Equal(new CodecSettings("Q4", StochasticRounding: true, Scale: QuantizationScale.Rms), s);
        Assert.Equal("q4+stochastic+rms", s.CanonicalSpec());
        using var codec = CodecCatalog.Create(CodecSettings.Parse("q2+backward"), new CodecSite(8, 1));
        Assert.Equal("q2+backward", codec.Name);
        Assert.True(codec.CompressesBackward);
        Assert.Equal("codec option",
            Assert.Throws<BadInputException>(() => CodecSettings.Parse("q4+fast")).Setting);
        foreach (var bad in new[] { "topk+stochastic", "ae+rms", "srht+backward", "none+stochastic" })
            Assert.Equal("codec option",
                Assert.Throws<BadInputException>(() => CodecSettings.Parse(bad).Check()).Setting);
        Assert.Equal("sketch size", Assert.Throws<BadInputException>(() =>
            new CodecSettings("q4", SketchSize: 4).Check()).Setting);
    }

    [Fact]
    public void AFullSizeHadamardSketchIsOrthogonalAndExact()
    {
        var x = Normal([8, 3, 32]);
        using var srht = new SketchCodec(SketchKind.Hadamard, 32, 1, seed: 2);
        Assert.True(MaxError(RoundTrip(srht, x), x) < 1e-5f);
        // The circulant sketch is not orthogonal: exact only on average.
        using var ct = new SketchCodec(SketchKind.Circulant, 32, 1, seed: 2);
        Assert.True(MaxError(RoundTrip(ct, x), x) > 0.1f);
    }

    [Theory]
    [InlineData(SketchKind.Hadamard, 24)] // padded to 32 rows
    [InlineData(SketchKind.Hadamard, 16)]
    [InlineData(SketchKind.Circulant, 16)]
    public void SketchesAreUnbiasedOverTheirDraws(SketchKind kind, int h)
    {
        // E[SᵀS] = I: the mean of many decodes approaches x while one decode is far off.
        var x = Normal([2, h]);
        using var codec = new SketchCodec(kind, h / 4, 1, seed: 7);
        var sum = zeros_like(x);
        const int draws = 3000;
        for (var i = 0; i < draws; i++)
        {
            using var scope = NewDisposeScope();
            sum.add_(RoundTrip(codec, x));
        }
        Assert.True(RelativeError(RoundTrip(codec, x), x) > 0.5);
        Assert.True(RelativeError(sum / draws, x) < 0.08, $"mean off by {RelativeError(sum / draws, x)}");
    }

    [Fact]
    public void SketchPayloadFollowsTheFormulaDrawsAreSeededAndSizeIsChecked()
    {
        var x = Normal([16, 3, 64]);
        using var byRatio = new SketchCodec(SketchKind.Circulant, null, 8, seed: 1);
        var e = byRatio.Encode(x, BoundaryContext.Alone);
        Assert.Equal(8, byRatio.SizeOf(64));
        Assert.Equal(SketchCodec.PayloadBytes(16 * 3, 8), byRatio.PayloadBytes(e));
        Assert.Equal(4L * 16 * 3 * 8, byRatio.PayloadBytes(e));
        Assert.Equal(8.0, byRatio.Ratio(e));
        Assert.Equal(byRatio.PayloadBytes(e), byRatio.BackwardBytes(e));
        Tensor Decoded(ulong seed)
        {
            using var c = new SketchCodec(SketchKind.Hadamard, 8, 1, seed);
            return RoundTrip(c, x);
        }
        Assert.True(Decoded(4).eq(Decoded(4)).all().item<bool>());
        Assert.False(Decoded(4).eq(Decoded(5)).all().item<bool>());
        using var tooBig = new SketchCodec(SketchKind.Hadamard, 65, 1);
        Assert.Equal("sketch size", Assert.Throws<BadInputException>(() =>
            tooBig.Encode(x, BoundaryContext.Alone)).Setting);
        Assert.Throws<BadInputException>(() => new SketchCodec(SketchKind.Circulant, 0, 1));
        Assert.Equal("ratio", Assert.Throws<BadInputException>(() =>
            CodecCatalog.Create(new CodecSettings("ct", Ratio: 0.5), new CodecSite(64, 1))).Setting);
        Assert.Equal("ct", CodecCatalog.Catalog.Canonical("circulant"));
    }

    [Fact]
    public void SketchCodesOfRanksSharingASlotAddUp()
    {
        // Ranks of one tensor-parallel reduction sketch with rank 0's S, so Σ encode(xᵢ) = encode(Σ xᵢ).
        var (a, b) = (Normal([4, 2, 16], 1), Normal([4, 2, 16], 2));
        using var codec = new SketchCodec(SketchKind.Hadamard, 4, 1, seed: 3);
        var ea = codec.Encode(a, new BoundaryContext(BoundaryKind.TensorReduce, 1, 0));
        var eb = codec.Encode(b, new BoundaryContext(BoundaryKind.TensorReduce, 1, 1));
        var shared = new BoundaryContext(BoundaryKind.TensorReduce, 1);
        var sum = codec.Decode(new Encoded([ea.Parts[0] + eb.Parts[0]], a.shape), shared);
        var separately = codec.Decode(ea, shared) + codec.Decode(eb, shared);
        Assert.True(MaxError(sum, separately) < 1e-5f);
        Assert.True(codec.Summable);
    }
}
