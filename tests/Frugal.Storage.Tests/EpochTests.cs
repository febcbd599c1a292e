namespace Frugal.Storage.Tests;

public sealed class EpochTests
{
    [Fact]
    public void ActionsRunOnlyAfterEveryThreadProtectedBeforeThemHasMovedOn()
    {
        var epoch = new Epoch();
        var slot = epoch.Protect();
        var ran = 0;
        epoch.Bump(() => ran++);
        Assert.Equal(0, ran);
        epoch.Refresh(slot);
        Assert.Equal(1, ran);
        epoch.Unprotect(slot);
    }

    /// <summary>
    /// More pending actions than drain slots, registered by a thread that is itself protected (a writer opening pages
    /// faster than old ones can be flushed): registering must not wait for a slot, which would wait on the caller
    /// itself.
    /// The store hung this way with 4 KiB pages and 8 writer threads.
    /// </summary>
    [Fact]
    public async Task AProtectedThreadCanRegisterMoreActionsThanThereAreSlots()
    {
        var epoch = new Epoch();
        var ran = 0;
        var registering = Task.Run(() =>
        {
            var slot = epoch.Protect();
            for (var i = 0; i < 1000; i++) epoch.Bump(() => Interlocked.Increment(ref ran));
            var before = Volatile.Read(ref ran);
            epoch.Refresh(slot);
            epoch.Unprotect(slot);
            return before;
        });
        var before =
            await registering.WaitAsync(
            TimeSpan.FromSeconds(30)); // a TimeoutException: Bump blocked a protected thread
        Assert.Equal(0, before);
        Assert.Equal(1000, ran);
    }
}
