using Frugal.Core.Catalogs;
using Frugal.Core.Errors;

namespace Frugal.Graph.Orderings;

/// <summary>
/// One epoch's walk through the partition buffer: the buffer states in order (the partitions in memory) and,
/// for link prediction, the edge buckets (i, j) trained in each state, each bucket in exactly one state that
/// holds both i and j.
/// </summary>
internal sealed record EpochOrdering(IReadOnlyList<int[]> States, IReadOnlyList<List<(int From, int To)>> Buckets)
{
    /// <summary>The most partitions a state change brings in (the prefetch slots that hide it).</summary>
    public int MaxSwap => States.Count < 2 ? 0
        : Enumerable.Range(1, States.Count - 1).Max(s => States[s].Except(States[s - 1]).Count());
}

/// <summary>The orderings a run can choose by name.</summary>
public enum OrderingKind
{
    /// <summary>Node classification: the training partitions plus random others, one state per epoch.</summary>
    Sequential,

    /// <summary>Marius's BETA: swap one partition at a time; buckets assigned greedily.</summary>
    Beta,

    /// <summary>MariusGNN's COMET: BETA over random groups of l partitions; buckets assigned uniformly.</summary>
    Comet,
}

/// <summary>BETA, COMET and SEQUENTIAL (MariusGNN §4), as pure functions of p, c and a random stream.</summary>
internal static class BufferOrderings
{
    /// <summary>The catalogue of ordering names.</summary>
    public static Catalog<OrderingKind> Catalog { get; } = new Catalog<OrderingKind>("ordering")
        .Add("sequential", OrderingKind.Sequential, "node classification: training partitions stay, one state")
        .Add("beta", OrderingKind.Beta, "swap one partition per state; greedy bucket assignment (Marius)")
        .Add("comet", OrderingKind.Comet, "two-level BETA over groups of l; random bucket assignment (MariusGNN)",
            "two_level_beta");

    /// <summary>The smallest buffer capacity an ordering accepts.</summary>
    public static int MinimumCapacity(OrderingKind kind, int partitions, int fineToCoarse, int trainingPartitions) =>
        Math.Min(partitions, kind switch
        {
            OrderingKind.Sequential => trainingPartitions + 1,
            OrderingKind.Comet => 2 * fineToCoarse,
            _ => 2,
        });

    /// <summary>
    /// BETA's buffer states: the first c of a random permutation start in the buffer; then repeatedly every
    /// on-disk partition in turn swaps into the last slot, after which slots 0..c−2 are replaced, one per state,
    /// by the next on-disk partitions, which leave the on-disk list.
    /// </summary>
    public static List<int[]> BetaStates(int partitions, int capacity, Random random)
    {
        var order = Enumerable.Range(0, partitions).ToArray();
        random.Shuffle(order);
        if (capacity >= partitions) return [order];
        var buffer = order[..capacity];
        var disk = order[capacity..].ToList();
        var states = new List<int[]> { buffer.ToArray() };
        while (disk.Count > 0)
        {
            random.Shuffle(buffer);
            var shuffled = disk.ToArray();
            random.Shuffle(shuffled);
            disk = [.. shuffled];
            for (var i = 0; i < disk.Count; i++)
            {
                (buffer[^1], disk[i]) = (disk[i], buffer[^1]);
                states.Add([.. buffer]);
            }
            shuffled = [.. disk];
            random.Shuffle(shuffled);
            disk = [.. shuffled];
            var replaced = Math.Min(capacity - 1, disk.Count);
            for (var i = 0; i < replaced; i++)
            {
                buffer[i] = disk[i];
                states.Add([.. buffer]);
            }
            disk.RemoveRange(0, replaced);
        }
        return states;
    }

    /// <summary>BETA with greedy bucket assignment: each bucket goes to the first state that holds both ends.</summary>
    public static EpochOrdering Beta(int partitions, int capacity, Random random)
    {
        var states = BetaStates(partitions, capacity, random);
        var assigned = new bool[partitions, partitions];
        var buckets = states.Select(state =>
        {
            var mine = new List<(int, int)>();
            foreach (var i in state)
                foreach (var j in state)
                    if (!assigned[i, j])
                    {
                        assigned[i, j] = true;
                        mine.Add((i, j));
                    }
            return mine;
        }).ToList();
        return new EpochOrdering(states, buckets);
    }

    /// <summary>
    /// COMET: the p partitions are grouped at random into p/l logical partitions; BETA runs over them with
    /// capacity c/l, each state expands into its physical partitions, and each bucket goes to a uniformly random
    /// state among those holding both ends.
    /// </summary>
    public static EpochOrdering Comet(int partitions, int capacity, int fineToCoarse, Random random)
    {
        if (fineToCoarse < 1 || partitions % fineToCoarse != 0 || capacity % fineToCoarse != 0)
            throw new BadInputException(
                $"the COMET ordering needs l = {fineToCoarse} to divide both p = {partitions} " +
                $"and the buffer capacity c = {capacity}", "fine-to-coarse");
        var physical = Enumerable.Range(0, partitions).ToArray();
        random.Shuffle(physical);
        var logical = BetaStates(partitions / fineToCoarse, capacity / fineToCoarse, random);
        var states = logical.Select(state => state.SelectMany(g => physical[(g * fineToCoarse)..((g + 1) *
            fineToCoarse)]).ToArray()).ToList();
        var eligible = new List<int>[partitions, partitions];
        for (var s = 0; s < states.Count; s++)
            foreach (var i in states[s])
                foreach (var j in states[s])
                    (eligible[i, j] ??= []).Add(s);
        var buckets = states.Select(_ => new List<(int, int)>()).ToList();
        for (var i = 0; i < partitions; i++)
            for (var j = 0; j < partitions; j++)
                buckets[eligible[i, j][random.Next(eligible[i, j].Count)]].Add((i, j));
        return new EpochOrdering(states, buckets);
    }

    /// <summary>SEQUENTIAL: the first <paramref name="training"/> partitions plus c − T random others.</summary>
    public static EpochOrdering Sequential(int partitions, int capacity, int training, Random random)
    {
        var others = Enumerable.Range(training, partitions - training).ToArray();
        random.Shuffle(others);
        int[] state = [.. Enumerable.Range(0, training), .. others[..Math.Max(0, Math.Min(others.Length,
            capacity - training))]];
        return new EpochOrdering([state], [Pairs(state)]);
    }

    /// <summary>In-memory training: one state holding every partition and every bucket, row by row.</summary>
    public static EpochOrdering InMemory(int partitions)
    {
        int[] all = [.. Enumerable.Range(0, partitions)];
        return new EpochOrdering([all], [Pairs(all)]);
    }

    /// <summary>Every bucket among the partitions of <paramref name="state"/>.</summary>
    public static List<(int, int)> Pairs(int[] state) => [.. state.SelectMany(i => state.Select(j => (i, j)))];

    /// <summary>The ordering of one epoch.</summary>
    public static EpochOrdering For(OrderingKind kind, int partitions, int capacity, int fineToCoarse,
        int trainingPartitions, Random random) => kind switch
        {
            OrderingKind.Sequential => Sequential(partitions, capacity, trainingPartitions, random),
            OrderingKind.Comet => Comet(partitions, capacity, fineToCoarse, random),
            _ => Beta(partitions, capacity, random),
        };
}
