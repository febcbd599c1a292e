using Frugal.Learning.Bench;

return MlpEpochBenchmark.Run(args, Console.Out, Console.Error);
