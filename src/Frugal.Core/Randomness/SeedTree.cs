using System.Text;

namespace Frugal.Core.Randomness;

/// <summary>
/// One master seed from which every consumer derives its own independent, named stream.
/// A stream's seed depends only on the master seed and the stream's path of names, never on
/// which other streams exist or in what order they were asked for, so adding a consumer never
/// changes the numbers another consumer sees.
/// </summary>
public sealed class SeedTree
{
    private readonly ulong _key;

    /// <summary>The root of a run's tree: every stream under it follows from <paramref name="masterSeed"/>.</summary>
    public SeedTree(ulong masterSeed) : this(masterSeed, SplitMix64.Mix(masterSeed ^ 0x6A09E667F3BCC908UL), "")
    {
    }

    private SeedTree(ulong masterSeed, ulong key, string path)
    {
        MasterSeed = masterSeed;
        _key = key;
        Path = path;
    }

    /// <summary>The seed the run records; everything random in it follows from this number.</summary>
    public ulong MasterSeed { get; }

    /// <summary>The names leading to this node, joined by '/'; empty at the root.</summary>
    public string Path { get; }

    /// <summary>A child node, for a consumer that hands out streams of its own.</summary>
    public SeedTree Child(string name) => new(MasterSeed, DeriveKey(name), Join(name));

    /// <summary>
    /// The stream named <paramref name="name"/> under this node; the same name always gives the same sequence.
    /// </summary>
    public RandomStream Stream(string name) => new(DeriveKey(name));

    /// <summary>The seed of the named stream, for a component that seeds its own generator.</summary>
    public ulong SeedOf(string name) => DeriveKey(name);

    private string Join(string name) => Path.Length == 0 ? name : Path + "/" + name;

    private ulong DeriveKey(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        // FNV-1a over the UTF-8 name, then mixed with the parent key: stable across runs,
        // processes and platforms (string.GetHashCode is randomised per process).
        var hash = 0xCBF29CE484222325UL;
        foreach (var b in Encoding.UTF8.GetBytes(name))
        {
            hash ^= b;
            hash *= 0x100000001B3UL;
        }
        return SplitMix64.Mix(_key ^ SplitMix64.Mix(hash));
    }
}
