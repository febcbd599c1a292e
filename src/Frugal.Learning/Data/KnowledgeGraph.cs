namespace Frugal.Learning.Data;

/// <summary>A fact (head, relation, tail) of a knowledge graph, by entity and relation id.</summary>
public readonly record struct Triple(int Head, int Relation, int Tail);

/// <summary>
/// A knowledge graph split for link prediction (FB15k-237 and the like): three files of tab-separated
/// <c>head relation tail</c> lines. Entities and relations get ids in the order they first appear
/// through train, validation and test, so ids are the same on every load; an entity seen only in
/// validation or test still gets one (it is then ranked like any other).
/// </summary>
public sealed class KnowledgeGraph
{
    private KnowledgeGraph(IReadOnlyList<string> entities, IReadOnlyList<string> relations,
        Triple[] train, Triple[] validation, Triple[] test)
    {
        Entities = entities;
        Relations = relations;
        Train = train;
        Validation = validation;
        Test = test;
    }

    /// <summary>Entity names by id (Freebase MIDs such as <c>/m/027rn</c> in FB15k-237).</summary>
    public IReadOnlyList<string> Entities { get; }

    /// <summary>Relation names by id.</summary>
    public IReadOnlyList<string> Relations { get; }

    /// <summary>The training triples.</summary>
    public IReadOnlyList<Triple> Train { get; }

    /// <summary>The validation triples.</summary>
    public IReadOnlyList<Triple> Validation { get; }

    /// <summary>The test triples.</summary>
    public IReadOnlyList<Triple> Test { get; }

    /// <summary>
    /// Loads train.txt, valid.txt and test.txt from <paramref name="folder"/>, e.g. the repository's
    /// <c>data/graphs/fb15k-237</c> (<c>ReferenceData.Require("graphs/fb15k-237")</c>).
    /// </summary>
    /// <exception cref="Frugal.Core.Errors.BadInputException">A file is missing or malformed (file, line and field
    /// named).</exception>
    public static KnowledgeGraph Load(string folder) =>
        Load(Path.Combine(folder, "train.txt"), Path.Combine(folder, "valid.txt"), Path.Combine(folder, "test.txt"));

    /// <summary>Loads the three splits from the given triples files.</summary>
    public static KnowledgeGraph Load(string train, string validation, string test)
    {
        var entities = new Vocabulary();
        var relations = new Vocabulary();
        var splits = new[] { train, validation, test }.Select(path => ReadTriples(path, entities, relations)).ToArray();
        return new KnowledgeGraph(entities.Names, relations.Names, splits[0], splits[1], splits[2]);
    }

    private static readonly string[] FieldNames = ["head", "relation", "tail"];

    private static Triple[] ReadTriples(string path, Vocabulary entities, Vocabulary relations)
    {
        using var file = DataFile.Open(path, "triples file");
        var triples = new List<Triple>();
        while (file.Next() is { } line)
        {
            var fields = file.Fields(line, '\t', 3, "head, relation, tail, tab-separated");
            for (var i = 0; i < 3; i++)
                if (fields[i].Trim().Length == 0) throw file.Error(FieldNames[i], "empty");
            triples.Add(new Triple(entities.Id(fields[0]), relations.Id(fields[1]), entities.Id(fields[2])));
        }
        if (triples.Count == 0) throw file.FileError("no triples");
        return [.. triples];
    }

    /// <summary>Names to dense ids, in order of first appearance.</summary>
    private sealed class Vocabulary
    {
        private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
        private readonly List<string> _names = [];

        public IReadOnlyList<string> Names => _names;

        public int Id(string name)
        {
            if (_ids.TryGetValue(name, out var id)) return id;
            _ids[name] = _names.Count;
            _names.Add(name);
            return _names.Count - 1;
        }
    }
}
