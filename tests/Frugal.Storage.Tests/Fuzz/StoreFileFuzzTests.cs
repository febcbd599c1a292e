using CsCheck;
using Frugal.Core.Errors;
using Frugal.Fuzz;

namespace Frugal.Storage.Tests.Fuzz;

/// <summary>
/// Damage to one file of a filled store (hot and cold logs, index files, checkpoint metadata): a read-only open and its
/// reads change no byte of any file, a refused open (read-only or not) changes nothing either, the only refusals are
/// bad input and corrupt data, and every read that succeeds returns the value written.
/// </summary>
public sealed class StoreFileFuzzTests : IDisposable
{
    private readonly TempDirectory _pristine = new();
    private readonly TempDirectory _work = new();

    public StoreFileFuzzTests() => FilledStore.Fill(_pristine.Path);

    public void Dispose()
    {
        _pristine.Dispose();
        _work.Dispose();
    }

    [Fact]
    public void ADamagedStoreFileNeverGivesAWrongValueAndARefusalChangesNothing()
    {
        var files = Directory.GetFiles(_pristine.Path, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(_pristine.Path, f)).Order().ToArray();
        Assert.Contains("checkpoint.meta", files);
        FuzzCheck.ForEach(Gen.Select(Gen.Int[0, files.Length - 1], FuzzCheck.Damages, Gen.Bool), 60, c =>
        {
            var (file, damage, readOnly) = c;
            Reset();
            var victim = Path.Combine(_work.Path, files[file]);
            File.WriteAllBytes(victim, damage.Apply(File.ReadAllBytes(victim)));
            var before = FileSnapshot.Of(_work.Path);
            KvStore<long, long>? store = null;
            if (FuzzCheck.Refusal(() => store = KvStore<long, long>.Open(
                    FilledStore.Options(_work.Path) with { ReadOnly = readOnly })) is not null)
            {
                FileSnapshot.Of(_work.Path).AssertSameAs(before);
                return;
            }
            using (store)
            {
                for (long k = 0; k < FilledStore.Keys; k += 7)
                {
                    Lookup<long> read = default;
                    var key = k;
                    if (FuzzCheck.Refusal(() => read = store!.ReadAsync(key).AsTask().GetAwaiter().GetResult())
                        is not null)
                        continue; // found on the read: a corruption, never a value
                    Assert.Equal(k % 5 != 0, read.Found);
                    if (read.Found) Assert.Equal(k * 7, read.Value);
                }
            }
            if (readOnly) FileSnapshot.Of(_work.Path).AssertSameAs(before);
        });
    }

    private void Reset()
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(_work.Path))
            if (Directory.Exists(entry)) Directory.Delete(entry, recursive: true);
            else File.Delete(entry);
        foreach (var file in Directory.GetFiles(_pristine.Path, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(_work.Path, Path.GetRelativePath(_pristine.Path, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
    }
}
