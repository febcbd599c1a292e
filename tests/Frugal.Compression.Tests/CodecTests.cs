using Frugal.Compression.Codecs;
using Frugal.Core.Errors;
using TorchSharp;
using static TorchSharp.torch;

namespace Frugal.Compression.Tests;

public sealed class CodecTests
{
    private static Tensor Activations(long s = 16, long b = 3, long h = 24, ulong seed = 1)
    {
        using var g = new Generator(seed);
        return randn([s, b, h], generator: g);
    }

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    private static float MaxError(Tensor a, Tensor b) => (a - b).abs().max().item<float>();

    [Fact]
    public void TopKWithKEqualToNumelIsExactAndKeepsExactlyK()
    {
        var x = Activations();
        using var all = new SparseCodec(SparseSelection.TopK, x.numel(), 1, false);
        var e = all.Encode(x, BoundaryContext.Alone);
        Assert.Equal(0f, MaxError(x, all.Decode(e, BoundaryContext.Alone)));
        using var some = new SparseCodec(SparseSelection.TopK, 100, 1, false);
        var kept = some.Decode(some.Encode(x, BoundaryContext.Alone), BoundaryContext.Alone);
        Assert.Equal(100, kept.count_nonzero().item<long>());
        // Top-K keeps the largest: every kept magnitude is at least every dropped one.
        var keptMin = x.abs()[kept != 0].min().item<float>();
        var droppedMax = x.abs()[kept == 0].max().item<float>();
        Assert.True(keptMin >= droppedMax);
    }

    [Fact]
    public void RandomKKeepsExactlyKDistinctEntriesAndIsSeeded()
    {
        var x = Activations();
        using var a = new SparseCodec(SparseSelection.RandomK, 77, 1, false, seed: 5);
        using var b = new SparseCodec(SparseSelection.RandomK, 77, 1, false, seed: 5);
        var ea = a.Encode(x, BoundaryContext.Alone);
        Assert.Equal(77, a.Decode(ea, BoundaryContext.Alone).count_nonzero().item<long>());
        Assert.Equal(77, ea.Parts[1].unique().Item1.numel());
        Assert.True(Same(ea.Parts[1], b.Encode(x, BoundaryContext.Alone).Parts[1]));
        Assert.Equal(77 * 8, a.PayloadBytes(ea));
    }

    [Fact]
    public void SparseKFromRatioFollowsTheFormula()
    {
        using var codec = new SparseCodec(SparseSelection.TopK, null, 4, false);
        Assert.Equal(16 * 3 * 24 / 8, codec.KeptOf(16 * 3 * 24));
        var e = codec.Encode(Activations(), BoundaryContext.Alone);
        Assert.Equal(4.0, ((Codec)codec).Ratio(e), 6);
    }

    [Fact]
    public void ErrorFeedbackCarriesTheDroppedPartToTheNextMessage()
    {
        var x = Activations();
        using var ef = new SparseCodec(SparseSelection.TopK, 50, 1, true);
        var first = ef.Decode(ef.Encode(x, BoundaryContext.Alone), BoundaryContext.Alone);
        var second = ef.Decode(ef.Encode(x, BoundaryContext.Alone), BoundaryContext.Alone);
        // What the two messages carried together equals 2x minus the residual still held: the second sends x + e.
        var residual = 2 * x - first - second;
        Assert.True(residual.abs().max().item<float>() < 2 * x.abs().max().item<float>());
        Assert.False(Same(first, second));
        // Another slot has its own (empty) residual.
        var other = ef.Decode(ef.Encode(x, new BoundaryContext(BoundaryKind.PipelineSend, Slot: 1)),
            BoundaryContext.Alone);
        Assert.True(Same(other, first));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    public void QuantisationErrorIsWithinHalfAStepExceptTheClippedTopCode(int bits)
    {
        var x = Activations(h: 21); // 21 channels: the last byte of each row is partly padding
        using var codec = new QuantizationCodec(bits);
        var e = codec.Encode(x, BoundaryContext.Alone);
        var decoded = codec.Decode(e, BoundaryContext.Alone);
        var scale = e.Parts[1].to(float32);
        var error = (x - decoded).abs();
        var half = scale / Math.Pow(2, bits);
        var slack = 1e-6f;
        var clippedTop = x / scale * Math.Pow(2, bits - 1) >= Math.Pow(2, bits - 1) - 0.5;
        Assert.True((error <= half * (1 + slack) + slack | clippedTop).all().item<bool>());
        Assert.True((error <= 2 * half * (1 + slack) + slack).all().item<bool>());
        Assert.True((scale >= x.abs().reshape(-1, 21).amax([0])).all().item<bool>());
        Assert.Equal(float16, e.Parts[1].dtype);
    }

    [Theory]
    [InlineData(2, 21, 16 * 3 * 6 + 42)]
    [InlineData(4, 21, 16 * 3 * 11 + 42)]
    [InlineData(8, 21, 16 * 3 * 21 + 42)]
    [InlineData(4, 24, 16 * 3 * 12 + 48)]
    public void QuantisedPayloadsHaveTheirExactPackedSize(int bits, int h, long bytes)
    {
        using var codec = new QuantizationCodec(bits);
        var e = codec.Encode(Activations(h: h), BoundaryContext.Alone);
        Assert.Equal(bytes, codec.PayloadBytes(e));
        Assert.Equal(bytes, codec.PayloadBytes(16 * 3, h));
        Assert.Equal(uint8, e.Parts[0].dtype);
    }

    [Fact]
    public void QuantisationKeepsZerosAndIsNotDifferentiable()
    {
        using var codec = new QuantizationCodec(4);
        var x = zeros(4, 8);
        Assert.Equal(0f, codec.Decode(codec.Encode(x, BoundaryContext.Alone), BoundaryContext.Alone).abs().max()
            .item<float>());
        Assert.False(codec.Differentiable);
        Assert.Equal(4 * 8 * 4, codec.BackwardBytes(codec.Encode(x, BoundaryContext.Alone)));
    }

    [Fact]
    public void LowRankAtFullRankIsExactAndPayloadFollowsTheFormula()
    {
        var x = Activations(s: 10, b: 2, h: 6);
        using var full = new LowRankCodec(6, 1, false);
        var e = full.Encode(x, BoundaryContext.Alone);
        Assert.True(MaxError(x, full.Decode(e, BoundaryContext.Alone)) < 1e-4);
        Assert.Equal(4L * 2 * 6 * (10 + 6), full.PayloadBytes(e));
        using var low = new LowRankCodec(2, 1, false);
        var lowError = MaxError(x, low.Decode(low.Encode(x, BoundaryContext.Alone), BoundaryContext.Alone));
        Assert.True(lowError > 1e-2);
        using var byRatio = new LowRankCodec(null, 4, false);
        Assert.Equal(1, byRatio.RankOf(10, 6)); // 60 / 64 rounds down to 0, and the rank is at least 1
        Assert.Equal(8, byRatio.RankOf(64, 64)); // 64·64 / (4·128)
    }

    [Fact]
    public void LowRankWarmStartImprovesOnTheSameTensor()
    {
        var x = Activations(s: 32, b: 2, h: 16);
        using var codec = new LowRankCodec(3, 1, false, seed: 3);
        var first = (x - codec.Decode(codec.Encode(x, BoundaryContext.Alone), BoundaryContext.Alone)).norm()
            .item<float>();
        float last = 0;
        for (var i = 0; i < 5; i++)
            last = (x - codec.Decode(codec.Encode(x, BoundaryContext.Alone), BoundaryContext.Alone)).norm()
                .item<float>();
        Assert.True(last < first);
    }

    [Fact]
    public void AutoencoderWithIdentityWeightsIsExactAndCodesAddUp()
    {
        var x = Activations(h: 8);
        using var identity = new AutoencoderCodec(8, 8);
        identity.SetWeights(eye(8), eye(8));
        Assert.True(MaxError(x, identity.Decode(identity.Encode(x, BoundaryContext.Alone), BoundaryContext.Alone))
            < 1e-6);
        using var ae = new AutoencoderCodec(8, 3);
        var y = Activations(h: 8, seed: 2);
        var sumOfCodes = ae.Encode(x, BoundaryContext.Alone).Parts[0] + ae.Encode(y, BoundaryContext.Alone).Parts[0];
        var codeOfSum = ae.Encode(x + y, BoundaryContext.Alone).Parts[0];
        Assert.True(MaxError(sumOfCodes, codeOfSum) < 1e-5);
        Assert.True(ae.Summable);
        Assert.Equal(16L * 3 * 3 * 4, ae.PayloadBytes(ae.Encode(x, BoundaryContext.Alone)));
        Assert.Equal(2, ae.Parameters.Count);
    }

    [Fact]
    public void AFittedAutoencoderIsExactOnDataOfItsRank()
    {
        using var g = new Generator(4);
        var x = randn([50, 2], generator: g).matmul(randn([2, 8], generator: g));
        using var ae = new AutoencoderCodec(8, 2);
        ae.Fit(x);
        Assert.True(MaxError(x, ae.Decode(ae.Encode(x, BoundaryContext.Alone), BoundaryContext.Alone)) < 1e-3);
    }

    [Fact]
    public void CatalogueCreatesEveryCodecAndRejectsBadParameters()
    {
        foreach (var name in CodecCatalog.Catalog.Names)
        {
            using var codec = CodecCatalog.Create(new CodecSettings(name), new CodecSite(24, 1));
            var x = Activations();
            var y = codec.Decode(codec.Encode(x, BoundaryContext.Alone), BoundaryContext.Alone);
            Assert.Equal(x.shape, y.shape);
        }
        Assert.Equal("ratio", Assert.Throws<BadInputException>(() =>
            CodecCatalog.Create(new CodecSettings("topk", Ratio: 0.5), new CodecSite(24, 1))).Setting);
        Assert.Equal("bits", Assert.Throws<BadInputException>(() => new QuantizationCodec(3)).Setting);
        using var tooMany = new SparseCodec(SparseSelection.TopK, 10_000, 1, false);
        Assert.Equal("k", Assert.Throws<BadInputException>(() =>
            tooMany.Encode(Activations(), BoundaryContext.Alone)).Setting);
        Assert.Throws<UnknownNameException>(() => CodecCatalog.Create(new CodecSettings("zip"), new CodecSite(24, 1)));
        Assert.Throws<BadInputException>(() =>
            CodecCatalog.Create(new CodecSettings("q4", K: 3), new CodecSite(24, 1)));
        Assert.Throws<BadInputException>(() => new LowRankCodec(7, 1, false).RankOf(10, 6));
        Assert.Throws<BadInputException>(() => new AutoencoderCodec(8, 9));
        Assert.Throws<BadInputException>(() =>
            new QuantizationCodec(8).Encode(full(2, 2, 1e6f), BoundaryContext.Alone));
    }

    [Fact]
    public void TensorFilesRoundTripAndRejectBadHeaders()
    {
        var path = Path.GetTempFileName();
        try
        {
            var x = Activations(s: 2, b: 3, h: 4);
            TensorFile.Write(path, x);
            Assert.True(Same(TensorFile.Read(path), x));
            var bytes = File.ReadAllBytes(path);
            File.WriteAllBytes(path, bytes[..^4]);
            Assert.Contains("needs 96 bytes", Assert.Throws<BadInputException>(() => TensorFile.Read(path)).Message);
            bytes[0] = (byte)'X';
            File.WriteAllBytes(path, bytes);
            Assert.Contains("not a Frugal tensor file",
                Assert.Throws<BadInputException>(() => TensorFile.Read(path)).Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void MeasurementReportsRatioAndError()
    {
        using var codec = new QuantizationCodec(8);
        var report = CodecMeasurement.Measure(codec, Activations(h: 32), 2);
        Assert.Equal(16 * 3 * 32 * 4, report.UncompressedBytes);
        Assert.Equal(16 * 3 * 32 + 64, report.PayloadBytes);
        Assert.InRange(report.RelativeError, 1e-5, 0.05);
    }
}
