namespace Frugal.Cli;

/// <summary>
/// The exit codes of the <c>frugal</c> command, which <see cref="FrugalApp.Run"/> returns; scripts may rely on them.
/// </summary>
public static class ExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Success = 0;

    /// <summary>The command ran but something in it failed (an experiment threw, a check did not hold).</summary>
    public const int Failure = 1;

    /// <summary>
    /// Bad input: unknown command, option or name; a value out of range; an unwritable output folder.
    /// </summary>
    public const int Usage = 2;

    /// <summary>
    /// Stored data failed its own checks (a checksum, a size, a store identity); nothing was changed.
    /// </summary>
    public const int CorruptData = 3;

    /// <summary>Interrupted (Ctrl-C), by the shell convention 128 + SIGINT.</summary>
    public const int Cancelled = 130;
}
