using Frugal.Bench;
using Spectre.Console;

return BenchApp.Run(args, AnsiConsole.Console, Console.Error);
