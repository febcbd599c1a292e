namespace Frugal.Scheduling.GpuPlacement;

/// <summary>A job of a placement simulation: a gang of GPUs training a model for a number of iterations.</summary>
/// <param name="Id">The trace's job id.</param>
/// <param name="Gpus">GPUs it needs, all at once.</param>
/// <param name="SubmitSeconds">When it arrives.</param>
/// <param name="Iterations">Iterations to run (the trace's duration column).</param>
/// <param name="Model">The model it trains.</param>
/// <param name="Class">Its performance class (A, B, ...): which PerfVar column its GPUs' slowdowns come from.</param>
/// <param name="IterationSeconds">One iteration's time on a median GPU, on one node.</param>
/// <param name="Where">Where it was read (file:line), for errors about it.</param>
public sealed record PlacementJob(int Id, int Gpus, double SubmitSeconds, double Iterations, string Model,
    string Class, double IterationSeconds, string Where);

/// <summary>A Sia-Philly model: its base iteration time and performance class.</summary>
/// <param name="IterationSeconds">Seconds per iteration (hal-uw/blox-pal workload/workload.py).</param>
/// <param name="Class">Class: resnet50 → A; GPT2, DCGAN, BERT → B; vgg19 → C; PointNet → D.</param>
public sealed record PhillyModel(double IterationSeconds, string Class);

/// <summary>The six models of the Sia-Philly traces.</summary>
public static class SiaPhillyModels
{
    /// <summary>Model name → iteration time and class; names in any case.</summary>
    public static Core.Catalogs.Catalog<PhillyModel> Catalog { get; } = new Core.Catalogs.Catalog<PhillyModel>("model")
        .Add("BERT", new PhillyModel(0.179, "B"))
        .Add("DCGAN", new PhillyModel(0.0469266931, "B"))
        .Add("GPT2", new PhillyModel(3.5714, "B"))
        .Add("PointNet", new PhillyModel(0.28125, "D"))
        .Add("resnet50", new PhillyModel(0.17540429367763434, "A"))
        .Add("vgg19", new PhillyModel(0.300610341, "C"));
}
