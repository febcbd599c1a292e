namespace Frugal.Scheduling.Workloads;

/// <summary>How a job changes its batch size during training.</summary>
public enum AdaptationMode
{
    /// <summary>The batch size never changes.</summary>
    Static,

    /// <summary>Accordion: the large batch size outside critical regimes of training.</summary>
    Accordion,

    /// <summary>Gradient-noise-scale: the batch size grows (×2, ×4, ...) as training progresses.</summary>
    Gns,
}

internal static class AdaptationModes
{
    /// <summary>The names used in trace files.</summary>
    public static string TraceName(this AdaptationMode mode) => mode switch
    {
        AdaptationMode.Static => "static",
        AdaptationMode.Accordion => "accordion",
        _ => "gns",
    };

    public static bool TryParse(string text, out AdaptationMode mode)
    {
        switch (text)
        {
            case "static": mode = AdaptationMode.Static; return true;
            case "accordion": mode = AdaptationMode.Accordion; return true;
            case "gns": mode = AdaptationMode.Gns; return true;
            default: mode = default; return false;
        }
    }
}
