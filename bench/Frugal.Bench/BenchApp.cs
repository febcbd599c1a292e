using Frugal.Core.Errors;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Bench;

/// <summary>
/// The <c>frugal-bench</c> executable: <c>frugal-bench kv bench ...</c> is the command the
/// storage issue names as <c>frugal kv bench</c>. It lives here, not in the frugal command, so
/// the toolkit's main command carries no native peers (FASTER, RocksDB).
/// </summary>
public static class BenchApp
{
    public static int Run(string[] args, IAnsiConsole console, TextWriter errors)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("frugal-bench");
            config.ConfigureConsole(console);
            config.PropagateExceptions();
            config.UseStrictParsing();
            config.AddBranch("kv", kv =>
            {
                kv.SetDescription("Key-value store benchmarks.");
                kv.AddCommand<KvBenchCommand>("bench")
                    .WithDescription(
                        "YCSB on frugal, FASTER (with and without read cache) and RocksDB under one memory budget; " +
                        "one process per store.")
                    .WithExample("kv", "bench", "--stores", "frugal,faster,faster-rc,rocksdb", "--workload", "A,B",
                        "--records", "1000000", "--seconds", "10", "--threads", "2", "--memory-fraction", "0.125");
            });
        });
        try
        {
            return app.Run(args);
        }
        catch (Exception e) when (e is CommandAppException or ArgumentException or BadInputException)
        {
            errors.WriteLine($"frugal-bench: error: {e.Message.ReplaceLineEndings(" ")}");
            return 2;
        }
        catch (Exception e)
        {
            errors.WriteLine($"frugal-bench: error: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}");
            return 1;
        }
    }
}
