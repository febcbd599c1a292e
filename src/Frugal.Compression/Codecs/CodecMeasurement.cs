using System.Diagnostics;
using Frugal.Core.Statistics;
using static TorchSharp.torch;

namespace Frugal.Compression.Codecs;

/// <summary>What one codec did to one tensor.</summary>
/// <param name="Codec">The codec's name with its parameter.</param>
/// <param name="Shape">The tensor's shape.</param>
/// <param name="UncompressedBytes">fp32 bytes of the tensor.</param>
/// <param name="PayloadBytes">Bytes of the message.</param>
/// <param name="Ratio">Uncompressed ÷ payload bytes.</param>
/// <param name="RelativeError">‖x − x̂‖ / ‖x‖ of the first message.</param>
/// <param name="MaxAbsoluteError">max |x − x̂| of the first message.</param>
/// <param name="EncodeMs">Median encode time over the repeats, in milliseconds.</param>
/// <param name="DecodeMs">Median decode time, in milliseconds.</param>
/// <param name="CopyMs">Median time of a plain copy of the tensor (the floor), in milliseconds.</param>
/// <param name="Repeats">Timed repeats.</param>
public sealed record CodecReport(string Codec, long[] Shape, long UncompressedBytes, long PayloadBytes, double Ratio,
    double RelativeError, double MaxAbsoluteError, double EncodeMs, double DecodeMs, double CopyMs, int Repeats)
{
    /// <summary>(encode + decode) ÷ copy: how many plain copies the codec costs.</summary>
    public double OverheadVsCopy => (EncodeMs + DecodeMs) / CopyMs;
}

/// <summary>
/// Runs a codec on a tensor: size, error and timings (wall clock: a benchmark's number, never a test's).
/// </summary>
public static class CodecMeasurement
{
    /// <summary>Encodes and decodes <paramref name="x"/> <paramref name="repeats"/> times (after one untimed
    /// round, whose error is reported) and times a plain copy as often.</summary>
    public static CodecReport Measure(ICodec codec, Tensor x, int repeats)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        using var noGrad = no_grad();
        long payload;
        double relative, maxAbs;
        using (var scope = NewDisposeScope())
        {
            var encoded = codec.Encode(x, BoundaryContext.Alone);
            payload = codec.PayloadBytes(encoded);
            var error = x - codec.Decode(encoded, BoundaryContext.Alone);
            var norm = x.norm().item<float>();
            relative = norm == 0 ? error.norm().item<float>() : error.norm().item<float>() / norm;
            maxAbs = error.abs().max().item<float>();
        }
        var encodeMs = new double[repeats];
        var decodeMs = new double[repeats];
        var copyMs = new double[repeats];
        for (var i = 0; i < repeats; i++)
        {
            using var scope = NewDisposeScope();
            var clock = Stopwatch.StartNew();
            var encoded = codec.Encode(x, BoundaryContext.Alone);
            encodeMs[i] = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            codec.Decode(encoded, BoundaryContext.Alone);
            decodeMs[i] = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            x.clone();
            copyMs[i] = clock.Elapsed.TotalMilliseconds;
        }
        var bytes = x.numel() * Codec.FloatBytes;
        return new CodecReport(codec.Name, x.shape, bytes, payload, (double)bytes / payload, relative, maxAbs,
            Summary.Median(encodeMs), Summary.Median(decodeMs), Summary.Median(copyMs), repeats);
    }
}
