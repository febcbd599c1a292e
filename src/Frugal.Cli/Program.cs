using Frugal.Cli;
using Spectre.Console;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl-C asks the running experiment to stop cleanly (nothing half-written);
    // a second one kills the process.
    e.Cancel = !cancellation.IsCancellationRequested;
    cancellation.Cancel();
};
return FrugalApp.Run(args, AnsiConsole.Console, Console.Error, cancellation.Token);
