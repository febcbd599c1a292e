using Frugal.Core.Catalogs;
using Frugal.Core.Errors;

namespace Frugal.Core.Tests;

public sealed class CatalogTests
{
    private static Catalog<int> Numbers() => new Catalog<int>("number")
        .Add("one", 1, "the first", "uno")
        .Add("two", 2)
        .Add("three", 3);

    [Fact]
    public void NamesAndAliasesAreFoundWhateverTheirCase()
    {
        var catalog = Numbers();
        Assert.Equal(1, catalog.Get("UNO"));
        Assert.Equal("one", catalog.Canonical("Uno"));
        Assert.Equal(["one", "two", "three"], catalog.Names);
        Assert.Equal(["one", "two", "three", "uno"], catalog.AcceptedNames);
    }

    [Fact]
    public void AnUnknownNameListsEveryAcceptedName()
    {
        var error = Assert.Throws<UnknownNameException>(() => Numbers().Get("four"));
        Assert.Equal("unknown number 'four'; known: one, two, three, uno", error.Message);
        Assert.Equal("number", error.Setting);
    }

    [Fact]
    public void ListsKeepTheirOrderAndReportEveryUnknownNameAtOnce()
    {
        Assert.Equal([("three", 3), ("one", 1)], Numbers().GetAll(["three", "uno"]));
        var error = Assert.Throws<UnknownNameException>(() => Numbers().GetAll(["four", "one", "five"]));
        Assert.Equal(["four", "five"], error.Names);
    }

    [Theory]
    [InlineData("no number named; known: one, two, three")]
    [InlineData("no number named; known: one, two, three", "")]
    [InlineData("an empty number name in the list (two commas in a row?)", "one", " ", "two")]
    [InlineData("number 'one' is named twice", "one", "uno")]
    public void EmptyListsEmptyNamesAndRepeatsAreBadInput(string message, params string[] names)
    {
        Assert.Equal(message, Assert.Throws<BadInputException>(() => Numbers().GetAll(names)).Message);
    }

    [Fact]
    public void RegisteringANameTwiceIsAProgrammingError()
    {
        Assert.Throws<ArgumentException>(() => Numbers().Add("two", 22));
        Assert.Throws<ArgumentException>(() => Numbers().Add("four", 4, "", "UNO"));
    }
}
