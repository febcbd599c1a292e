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
// SIGTERM (a parent such as `recsys train` stopping its children, or a service manager) asks the same clean stop;
// the sender kills the process if it does not end in time.
using var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(
    System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
    {
        context.Cancel = true;
        cancellation.Cancel();
    });
return FrugalApp.Run(args, AnsiConsole.Console, Console.Error, cancellation.Token);
