namespace Frugal.Cli.Commands;

/// <summary>Turns the exceptions that mean "bad input" into <see cref="UsageException"/>, keeping their one-line message.</summary>
internal static class InputErrors
{
    public static T AsUsage<T>(Func<T> load)
    {
        try
        {
            return load();
        }
        catch (Exception e) when (e is FileNotFoundException or FormatException or KeyNotFoundException
                                       or UnauthorizedAccessException
                                       or DirectoryNotFoundException or ArgumentException)
        {
            throw new UsageException(e.Message);
        }
    }
}
