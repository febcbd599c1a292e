using System.Reflection;
using Frugal.Cli.Commands;
using Frugal.Cli.Commands.Compress;
using Frugal.Cli.Commands.Energy;
using Frugal.Cli.Commands.Gpu;
using Frugal.Cli.Commands.Graph;
using Frugal.Cli.Commands.Kv;
using Frugal.Cli.Commands.Recsys;
using Frugal.Cli.Commands.Schedule;
using Frugal.Cli.Commands.Tune;
using Frugal.Compression.Experiments;
using Frugal.Core.Errors;
using Frugal.Core.Experiments;
using Frugal.Core.IO;
using Frugal.Energy.Experiments;
using Frugal.Graph.Experiments;
using Frugal.Provisioning.Evaluation;
using Frugal.Recsys.Experiments;
using Frugal.Scheduling.Experiments;
using Frugal.Tuning.Experiments;
using Frugal.Tuning.Spaces;
using Frugal.Workloads.Ycsb;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli;

/// <summary>
/// Wires the <c>frugal</c> command: its command groups, the experiment catalogue and the mapping of errors to exit
/// codes.
/// </summary>
public static class FrugalApp
{
    /// <summary>Every experiment <c>frugal reproduce</c> runs; components add theirs here as they land.</summary>
    internal static ExperimentCatalog Catalog() => new ExperimentCatalog()
        .Register(new DistributionFitExperiment())
        .Register(new ShockwaveComparisonExperiment())
        .Register(new JigSawExperiment())
        .Register(new YcsbExperiment())
        .Register(new MirageExperiment())
        .Register(new LlamaTuneExperiment())
        .Register(new PolyThrottleExperiment())
        .Register(new MariusExperiment())
        .Register(new PalExperiment())
        .Register(new CompressionStudyExperiment())
        .Register(new BagpipeExperiment());

    /// <summary>
    /// The version <c>frugal --version</c> prints: the informational version without its commit hash.
    /// </summary>
    internal static string Version =>
        typeof(FrugalApp)
            .Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
            ?? "dev";

    /// <summary>Runs the command line <paramref name="args"/>; returns the process exit code.</summary>
    /// <param name="args">The command line without the program name, e.g. <c>["schedule", "simulate"]</c>.</param>
    /// <param name="console">Where output, tables and progress go; a test console captures them.</param>
    /// <param name="errors">Where the one-line error of a failed command goes.</param>
    /// <param name="cancellation">
    /// Cancels a running command (Ctrl-C); it then returns <see cref="ExitCodes.Cancelled"/>.
    /// </param>
    /// <returns>
    /// One of <see cref="ExitCodes"/>; errors are reported on <paramref name="errors"/>, never thrown.
    /// </returns>
    public static int Run(string[] args, IAnsiConsole console, TextWriter errors, CancellationToken cancellation =
        default)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("frugal");
            config.SetApplicationVersion(Version);
            config.ConfigureConsole(console);
            config.Settings.Registrar.RegisterInstance(Catalog());
            config.PropagateExceptions();
            config.UseStrictParsing();
            config.AddCommand<ReproduceCommand>("reproduce")
                .WithDescription(
                    "Run every registered experiment (or those named by --only) and write results and an HTML report.")
                .WithExample("reproduce", "--quick")
                .WithExample("reproduce", "--only", "core.distributions", "--seed", "7", "--out", "out");
            config.AddCommand<ExperimentsCommand>("experiments")
                .WithDescription("List the experiments that reproduce can run.");
            config.AddBranch("schedule", schedule =>
            {
                schedule.SetDefaultCommand<MissingCommand>();
                schedule.SetDescription("GPU-cluster scheduling: generate traces, simulate policies, compare them.");
                schedule.AddCommand<TraceCommand>("trace")
                    .WithDescription("Generate a trace with Shockwave's job distributions.");
                schedule.AddCommand<SimulateCommand>("simulate")
                    .WithDescription("Simulate one policy on a trace and print its metrics.")
                    .WithExample("schedule", "simulate", "--policy", "gavel", "--cluster", "v100=32");
                schedule.AddCommand<CompareCommand>("compare")
                    .WithDescription("Simulate several policies on one trace: table, plots and report.")
                    .WithExample("schedule", "compare", "--policies", "fifo,gavel,themis", "--out", "out");
            });
            config.AddBranch("jigsaw", jigsaw =>
            {
                jigsaw.SetDefaultCommand<MissingCommand>();
                jigsaw.SetDescription("Structured partial backpropagation (SPB): train with it, measure the savings.");
                jigsaw.AddCommand<Commands.JigSaw.JigSawTrainCommand>("train")
                    .WithDescription("Data-parallel training at σ against σ = 0: accuracy, backward FLOPs, bytes.")
                    .WithExample("jigsaw", "train", "--model", "mlp", "--workers", "4", "--spb-sigma", "0.375");
            });
            config.AddBranch("kv", kv =>
            {
                kv.SetDefaultCommand<MissingCommand>();
                kv.SetDescription(
                    "Use a Frugal.Storage key-value store in a data directory (keys and values as UTF-8 text).");
                kv.AddCommand<KvLoadCommand>("load")
                    .WithDescription("Write N records (key0..) with seeded random values, then checkpoint.")
                    .WithExample("kv", "load", "--dir", "db", "--records", "100000");
                kv.AddCommand<KvGetCommand>("get").WithDescription("Print a key's value (exit code 1 when absent).")
                    .WithExample("kv", "get", "--dir", "db", "key7");
                kv.AddCommand<KvPutCommand>("put").WithDescription("Set a key to a value, then checkpoint.")
                    .WithExample("kv", "put", "--dir", "db", "greeting", "hello");
                kv.AddCommand<KvDeleteCommand>("delete").WithDescription("Delete a key, then checkpoint.");
                kv.AddCommand<KvStatsCommand>("stats")
                    .WithDescription("Show the memory split, log regions and what recovery found.");
                kv.AddCommand<KvCheckpointCommand>("checkpoint")
                    .WithDescription("Recover the store and take a checkpoint.");
            });
            config.AddBranch("tune", tune =>
            {
                tune.SetDefaultCommand<MissingCommand>();
                tune.SetDescription(
                    "Tune a system's knobs (LlamaTune): run one method, compare methods, list targets and spaces.");
                tune.AddCommand<TuneRunCommand>("run")
                    .WithDescription(
                    "Tune a target: default first, then the method's trials; history, table, plots and report.")
                    .WithExample("tune", "run", "--target", "synthetic", "--method", "llamatune-random",
                        "--iterations", "50", "--history", "run.jsonl");
                tune.AddCommand<TuneCompareCommand>("compare")
                    .WithDescription("Run several methods on the same seeds: best-so-far curves, trials ratio, report.")
                    .WithExample("tune", "compare", "--target", "synthetic", "--methods",
                        "random,hesbo-random,llamatune-random", "--seeds", "5");
                tune.AddCommand<TuneVerifyCommand>("verify")
                    .WithDescription("Measure a history's best configuration and its default again, alternately.")
                    .WithExample("tune", "verify", "--target", "postgres", "--history", "run.jsonl", "--rounds", "5");
                tune.AddCommand<TuneNoiseCommand>("noise")
                    .WithDescription("Measure the default configuration's noise against the run length.")
                    .WithExample("tune", "noise", "--target", "rocksdb", "--durations", "0.5,1,2,4", "--runs", "5");
                tune.AddCommand<TuneTargetsCommand>("targets")
                    .WithDescription("List the targets and their default knob spaces.");
                tune.AddCommand<TuneSpaceCommand>("space")
                    .WithDescription("Check a space file (--space) or show a target's space, knob by knob.")
                    .WithExample("tune", "space", "--space", "my-space.json");
            });
            config.AddBranch("energy", energy =>
            {
                energy.SetDescription(
                    "Inference energy (PolyThrottle): tune clocks and batch size under a latency SLO.");
                energy.AddCommand<EnergyTuneCommand>("tune")
                    .WithDescription("Two-phase tuning: CPU clock, then constrained BO.")
                    .WithExample("energy", "tune", "--device", "simulated", "--profile", "vision", "--slo-ms", "100",
                        "--budget", "20");
                energy.AddCommand<EnergyGridCommand>("grid")
                    .WithDescription("Exhaustive noise-free search of the simulated grid.");
                energy.AddCommand<EnergyMeasureCommand>("measure").WithDescription("Measure one configuration.");
                energy.AddCommand<EnergyReplayCommand>("replay")
                    .WithDescription("Replay inference with fine-tuning alongside (App. D).")
                    .WithExample("energy", "replay", "--fine-tune");
                energy.AddCommand<EnergyStudyCommand>("study")
                    .WithDescription("The validation study: tuner vs grid optimum and random search.")
                    .WithExample("energy", "study", "--budgets", "20", "--seeds", "30");
                energy.AddCommand<EnergyRestoreCommand>("restore")
                    .WithDescription("Restore clocks from a journal left by a run.")
                    .WithExample("energy", "restore", "--device", "jetson");
            });
            config.AddBranch("graph", graph =>
            {
                graph.SetDefaultCommand<MissingCommand>();
                graph.SetDescription(
                    "Out-of-core GNN training (MariusGNN): prepare partitioned graphs, train from disk.");
                graph.AddCommand<GraphPreprocessCommand>("preprocess")
                    .WithDescription("Prepare a graph: partitions, edge buckets, relabelling; written atomically.")
                    .WithExample("graph", "preprocess", "--input", "data/graphs/cora", "--format", "planetoid",
                        "--partitions", "4", "--out", "cora");
                graph.AddCommand<GraphTrainCommand>("train")
                    .WithDescription("Train GraphSAGE (nc) or DistMult (lp) in memory or from the partition buffer.")
                    .WithExample("graph", "train", "--graph", "fb", "--storage", "disk", "--ordering", "comet",
                        "--buffer-capacity", "8");
            });
            config.AddBranch("gpu", gpu =>
            {
                gpu.SetDefaultCommand<MissingCommand>();
                gpu.SetDescription("Same-SKU GPU variability: measure GPUs (SGEMM + NVML, read-only), analyse runs.");
                gpu.AddCommand<GpuSurveyCommand>("survey")
                    .WithDescription(
                        "Measure GPUs: the SC'22 SGEMM protocol with NVML read-only; cpu runs it anywhere.")
                    .WithExample("gpu", "survey", "--kernels", "100", "--sample-ms", "1000")
                    .WithExample("gpu", "survey", "--accelerator", "cpu", "--size", "64", "--kernels", "5");
                gpu.AddCommand<GpuAnalyzeCommand>("analyze")
                    .WithDescription("Variation statistics per app and cluster, plots, and a PAL GPU table.")
                    .WithExample("gpu", "analyze", "--input", "data/pal/aggregated_data/frontera", "--app", "resnet",
                        "--export", "gpus.csv");
            });
            config.AddBranch("compress", compress =>
            {
                compress.SetDefaultCommand<MissingCommand>();
                compress.SetDescription(
                    "Activation compression for model-parallel training: codecs, the study, the cost model.");
                compress.AddCommand<CompressCodecCommand>("codec")
                    .WithDescription("Run one codec on a tensor: ratio, error, encode/decode time against a copy.")
                    .WithExample("compress", "codec", "--method", "q4", "--input", "tensor.bin");
                compress.AddCommand<CompressStudyCommand>("study")
                    .WithDescription("Train the sharded model per codec and layout; simulate steps on each link.")
                    .WithExample("compress", "study", "--preset", "paper-small", "--out", "out")
                    .WithExample("compress", "study", "--grid", "grid.txt", "--resume");
                compress.AddCommand<CompressExtrapolateCommand>("extrapolate")
                    .WithDescription("The cost model alone over the paper's sweep (T = 4, hidden 1,024-25,600).")
                    .WithExample("compress", "extrapolate", "--link", "100us/1Gbps");
            });
            config.AddBranch("recsys", recsys =>
            {
                recsys.SetDefaultCommand<MissingCommand>();
                recsys.SetDescription(
                    "Recommendation-model training (Bagpipe): remote embeddings, lookahead caching and prefetching.");
                recsys.AddCommand<RecsysTrainCommand>("train")
                    .WithDescription(
                        "Start server, oracle and trainers on this machine and train; stop them at the end.")
                    .WithExample("recsys", "train", "--trainers", "4", "--mode", "bagpipe", "--net-latency-ms", "2");
                recsys.AddCommand<RecsysServerCommand>("server").WithDescription("Run the embedding server.");
                recsys.AddCommand<RecsysOracleCommand>("oracle").WithDescription("Run the oracle cacher.");
                recsys.AddCommand<RecsysTrainerCommand>("trainer").WithDescription("Run one trainer.")
                    .WithExample("recsys", "trainer", "--rank", "1", "--peers", "10.0.0.1:7010,10.0.0.2:7010",
                        "--oracle", "10.0.0.9:7001", "--server", "10.0.0.9:7000");
                recsys.AddCommand<RecsysGenerateCommand>("generate")
                    .WithDescription("Write synthetic samples at the paper's skew to a batch file.");
            });
            config.AddBranch("provision", provision =>
            {
                provision.SetDefaultCommand<MissingCommand>();
                provision.SetDescription(
                    "Slurm job chains (Mirage): replay traces, train value models, " +
                    "evaluate when to submit successors.");
                provision.AddCommand<Commands.Provision.SimulateCommand>("simulate")
                    .WithDescription(
                        "Replay a Slurm trace in the queue simulator and compare simulated with real waits.")
                    .WithExample("provision", "simulate", "--trace", "ls6-a100.log", "--skip-bad");
                provision.AddCommand<Commands.Provision.TrainCommand>("train")
                    .WithDescription("Probe the training period and save a value model (forest or gbt).")
                    .WithExample("provision", "train", "--method", "gbt", "--model", "gbt.zip");
                provision.AddCommand<Commands.Provision.EvaluateCommand>("evaluate")
                    .WithDescription("Run one method's chains on the validation period: interruption and overlap.")
                    .WithExample("provision", "evaluate", "--method", "gbt", "--model", "gbt.zip", "--json",
                        "gbt.json");
                provision.AddCommand<Commands.Provision.WatchCommand>("watch")
                    .WithDescription(
                        "On a real Slurm cluster: decide when to submit the successor of a running job, and submit it.")
                    .WithExample("provision", "watch", "--job", "1234", "--method", "gbt", "--model", "gbt.zip",
                        "--wrap", "sbatch-next.sh");
            });
        });

        try
        {
            return app.Run(args, cancellation);
        }
        catch (Exception e) when (e is CommandAppException or BadInputException)
        {
            errors.WriteLine($"frugal: error: {OneLine(ConversionMessage.InUserTerms(e.Message, args))}");
            return ExitCodes.Usage;
        }
        catch (CorruptDataException e)
        {
            errors.WriteLine($"frugal: corrupt data: {OneLine(e.Message)}");
            return ExitCodes.CorruptData;
        }
        catch (CommandFailedException e)
        {
            errors.WriteLine($"frugal: {OneLine(e.Message)}");
            return ExitCodes.Failure;
        }
        catch (OperationCanceledException e)
        {
            errors.WriteLine(
                $"frugal: cancelled; {(e is PartlyKeptCancellation ? e.Message : "nothing was written.")}");
            return ExitCodes.Cancelled;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The operating system refused something the run needed (a full disk, a permission): its
            // message names the path; it is not the user's syntax, so it is a failure, not a usage error.
            errors.WriteLine($"frugal: error: {OneLine(e.Message)}");
            return ExitCodes.Failure;
        }
        catch (Exception e)
        {
            // Anything else is a bug in frugal, never the user's input: say so, without a type name.
            errors.WriteLine(
                $"frugal: internal error: {OneLine(e.Message)} (please report it; FRUGAL_TRACE=1 prints the stack)");
            if (Environment.GetEnvironmentVariable("FRUGAL_TRACE") == "1") errors.WriteLine(e);
            return ExitCodes.Failure;
        }
    }

    // A message may quote a field of the user's file: its control characters (a NUL, an escape sequence) are shown
    // as \xNN so that they can neither break the line nor drive the terminal.
    private static string OneLine(string message) => string.Concat(message.ReplaceLineEndings(" ").Trim()
        .Select(c => char.IsControl(c) ? $"\\x{(int)c:X2}" : c.ToString()));
}
