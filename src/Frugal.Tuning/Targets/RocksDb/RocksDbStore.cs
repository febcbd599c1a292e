using Frugal.Workloads.Ycsb;

namespace Frugal.Tuning.Targets.RocksDb;

/// <summary>
/// An open RocksDB database as a YCSB target: 8-byte keys, puts through the write-ahead log (the default write
/// options: the WAL knobs are part of what is tuned), read-modify-write as a get and a put.
/// </summary>
internal sealed class RocksDbStore(RocksDbSharp.RocksDb db) : IKvTarget
{
    /// <summary>The database.</summary>
    public RocksDbSharp.RocksDb Database => db;

    public (long Read, long Written)? DeviceBytes => null;

    public IKvSession NewSession() => new Session(db);

    public void Dispose() => db.Dispose();

    private sealed class Session(RocksDbSharp.RocksDb db) : IKvSession
    {
        private readonly byte[] _key = new byte[8];
        private byte[] _buffer = new byte[1024];

        public void Upsert(long key, ReadOnlySpan<byte> value)
        {
            BitConverter.TryWriteBytes(_key, key);
            db.Put(_key, value.ToArray());
        }

        public bool Read(long key, Memory<byte> value)
        {
            BitConverter.TryWriteBytes(_key, key);
            var length = db.Get(_key, _buffer, 0, _buffer.Length);
            if (length < 0) return false;
            if (length > _buffer.Length)
            {
                _buffer = new byte[length];
                length = db.Get(_key, _buffer, 0, _buffer.Length);
            }
            _buffer.AsSpan(0, (int)Math.Min(length, value.Length)).CopyTo(value.Span);
            return true;
        }

        public void ReadModifyWrite(long key, ReadOnlyMemory<byte> initial)
        {
            var current = new byte[initial.Length];
            if (!Read(key, current)) initial.Span.CopyTo(current);
            current[0]++;
            db.Put(_key, current);
        }

        public void Dispose()
        {
        }
    }
}
