using Frugal.Compression.Codecs;
using Frugal.Compression.Simulation;
using Frugal.Core.Results;

namespace Frugal.Compression.Study;

/// <summary>
/// What the cost model alone assumes of a device (design §6.3, the paper's sweep): dense FLOP rate, memory bandwidth,
/// activation element size, sequence length and the link between tensor-parallel ranks.
/// </summary>
/// <param name="Teraflops">Sustained dense FLOP rate, in TFLOP/s.</param>
/// <param name="MemoryGigabytesPerSecond">Memory bandwidth, for memory-bound codec passes, in GB/s.</param>
/// <param name="ElementBytes">Bytes per activation (2: fp16, as the paper trains).</param>
/// <param name="Sequence">Sequence length s.</param>
/// <param name="Link">The tensor-parallel link.</param>
/// <param name="Ratio">Target ratio ρ for the methods that take one.</param>
/// <param name="CompressBackward">Quantisation also quantises its backward messages.</param>
public sealed record DeviceModel(double Teraflops = 100, double MemoryGigabytesPerSecond = 900,
    int ElementBytes = 2, int Sequence = 512, string Link = "50us/10Gbps", double Ratio = 8,
    bool CompressBackward = false);

/// <summary>One point of the extrapolation.</summary>
public sealed record ExtrapolatedPoint(string Method, int Hidden, int Layers, int Batch, double StepSeconds,
    double Speedup, double CommunicationShare);

/// <summary>
/// The cost model alone over the paper's sweep (T = 4, hidden 1,024–25,600, 1/2/4 layers, batch 16–128): per layer
/// forward 24·b·s·h² + 4·b·s²·h FLOPs (backward twice that) split over T ranks, two collectives each way per layer,
/// and each codec's own work: the autoencoder's and the sketches' two matmuls, quantisation's memory passes (4 to
/// encode, 2 per partial to decode; again for the gradient when the backward is compressed), Top-K's partial sort
/// (log₂ n passes) and scatter, low rank's matmuls and QR. These are assumptions of a model, not measurements; the
/// study's measured numbers stand beside them.
/// </summary>
public static class Extrapolation
{
    /// <summary>The paper's sweep.</summary>
    public static readonly int[] Hiddens = [1024, 2048, 4096, 8192, 12800, 25600];

    /// <summary>Layers of the sweep.</summary>
    public static readonly int[] LayerCounts = [1, 2, 4];

    /// <summary>Batches of the sweep.</summary>
    public static readonly int[] Batches = [16, 32, 64, 128];

    /// <summary>Methods the model covers.</summary>
    public static readonly string[] Methods = ["none", "ae", "q8", "q4", "q2", "topk", "lowrank", "srht", "ct"];

    /// <summary>Every point of the sweep for tensor-parallel degree <paramref name="t"/>.</summary>
    public static IReadOnlyList<ExtrapolatedPoint> Run(DeviceModel device, int t = 4)
    {
        var link = LinkModel.Parse(device.Link);
        CodecSettings.CheckRatio(device.Ratio);
        var points = new List<ExtrapolatedPoint>();
        foreach (var h in Hiddens)
            foreach (var layers in LayerCounts)
                foreach (var b in Batches)
                {
                    var none = Step("none", h, layers, b, t, device, link);
                    foreach (var method in Methods)
                    {
                        var (step, comm) = method == "none" ? none : Step(method, h, layers, b, t, device, link);
                        points.Add(new ExtrapolatedPoint(method, h, layers, b, step, none.Step / step, comm / step));
                    }
                }
        return points;
    }

    private static (double Step, double Communication) Step(string method, int h, int layers, int b, int t,
        DeviceModel d, LinkModel link)
    {
        double s = d.Sequence, flops = d.Teraflops * 1e12, memory = d.MemoryGigabytesPerSecond * 1e9;
        var elements = (double)s * b * h;
        var n = (long)(elements * d.ElementBytes);
        var compute = 3 * (24 * s * b * (double)h * h + 4 * s * s * b * h) / t / flops;
        double codec, forward, backward;
        switch (method)
        {
            case "none":
                codec = 0;
                forward = backward = link.AllReduce(n, t);
                break;
            case "ae" or "srht" or "ct":
                {
                    // The autoencoder's code and a sketch of the hidden dimension cost alike: a = m = h/ρ values per
                    // row, two matmuls, codes summable.
                    var a = Math.Max(1, h / d.Ratio);
                    codec = 2 * 2 * elements * a / flops;
                    forward = backward = link.AllReduce((long)(n * a / h), t);
                    break;
                }
            case "q8" or "q4" or "q2":
                {
                    var bits = method[1] - '0';
                    var m = (long)(elements * bits / 8 + 2 * h);
                    var passes = (4 + 2 * t) * n / memory;
                    forward = link.AllGather(m, t);
                    (codec, backward) = d.CompressBackward
                        ? (2 * passes, link.AllGather(m, t)) : (passes, link.AllReduce(n, t));
                    break;
                }
            case "topk":
                {
                    var m = (long)(n / d.Ratio);
                    codec = (Math.Log2(elements) + 2 * t) * n / memory;
                    forward = backward = link.AllGather(m, t);
                    break;
                }
            default: // lowrank
                {
                    var r = Math.Max(1, s * h / (d.Ratio * (s + h)));
                    codec = (3 * 2 * elements * r + 2 * s * r * r * b) / flops;
                    forward = backward = link.AllGather((long)(4 * b * r * (s + h)), t);
                    break;
                }
        }
        // Two reductions per layer each way; the codec runs on both forward reductions.
        var communication = layers * 2 * (forward + backward);
        return (layers * (compute + 2 * codec) + communication, communication);
    }

    /// <summary>Fills <paramref name="result"/> with the sweep's table and a plot of speedup against hidden size.
    /// </summary>
    public static ExperimentResult Fill(ExperimentResult result, DeviceModel device, IReadOnlyList<ExtrapolatedPoint> p)
    {
        result.WithParameter("device TFLOP/s", device.Teraflops).WithParameter("memory GB/s",
                device.MemoryGigabytesPerSecond)
            .WithParameter("element bytes", device.ElementBytes).WithParameter("sequence", device.Sequence)
            .WithParameter("link", device.Link).WithParameter("ratio", device.Ratio).WithParameter("T", 4)
            .WithParameter("compress backward", device.CompressBackward);
        var table = new RecordTable("extrapolation", [
            new Column("method", ColumnKind.Text), new Column("hidden"), new Column("layers"), new Column("batch"),
            new Column("step", Unit: "ms"), new Column("speedup"), new Column("communication share"),
        ]);
        foreach (var x in p)
            table.Add(x.Method, x.Hidden, x.Layers, x.Batch, 1000 * x.StepSeconds, x.Speedup, x.CommunicationShare);
        result.Records.Add(table);
        var series = p.Where(x => x.Method != "none" && x.Layers == 1 && x.Batch == 32).GroupBy(x => x.Method)
            .Select(g => new Series(g.Key, [.. g.Select(x => (double)x.Hidden)], [.. g.Select(x => x.Speedup)]))
            .ToArray();
        result.Charts.Add(new Chart("extrapolated-speedup", ChartKind.Line,
            $"predicted speedup vs hidden size (T = 4, batch 32, {device.Link})", "hidden size", "speedup over none",
            series)
        { LogX = true });
        return result;
    }
}
