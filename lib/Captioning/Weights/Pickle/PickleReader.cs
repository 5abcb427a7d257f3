using System.Buffers.Binary;
using System.Text;

namespace Captioning.Weights.Pickle;

/// <summary>
/// A restricted unpickler for PyTorch state dicts: it implements the opcodes those pickles use
/// (protocols 2 to 5), resolves globals only through <see cref="TorchPickleGlobals"/> and builds
/// plain data, so reading a hostile file can fail but never runs anything.
/// </summary>
internal sealed class PickleReader
{
    private readonly byte[] data;
    private readonly string source;
    private readonly List<object?> stack = new();
    private readonly Stack<int> marks = new();
    private readonly Dictionary<long, object?> memo = new();
    private readonly Func<object?, object?> persistentLoad;
    private int position;
    private bool usesLong1;

    private PickleReader(byte[] data, int start, string source, Func<object?, object?> persistentLoad)
    {
        this.data = data;
        this.source = source;
        this.persistentLoad = persistentLoad;
        position = start;
    }

    /// <summary>Unpickles <paramref name="data"/> of a zip checkpoint; <paramref name="source"/> names the file (and entry) in error messages.</summary>
    public static object? Load(byte[] data, string source) => Load(data, source, out _);

    /// <summary>
    /// As <see cref="Load(byte[], string)"/>, also saying whether any integer came as LONG1 (Python pickles ints
    /// outside 32 bits so): other unpicklers hand those out as 64-bit values where they expect 32-bit ones.
    /// </summary>
    public static object? Load(byte[] data, string source, out bool usesLong1)
    {
        try
        {
            var reader = new PickleReader(data, 0, source, pid => TorchPickleGlobals.PersistentLoad(pid, source));
            var value = reader.Run();
            usesLong1 = reader.usesLong1;
            return value;
        }
        catch (PickleTruncatedException e)
        {
            // The data is whole here, so running out of it is plain corruption.
            throw new CaptioningException(e.Message, e);
        }
    }

    /// <summary>
    /// Unpickles the one pickle that starts at <paramref name="start"/> of a sequence of pickles
    /// (a legacy checkpoint), resolving persistent ids with <paramref name="persistentLoad"/>.
    /// Returns the value and the position just past its STOP opcode.
    /// </summary>
    public static (object? Value, int End) LoadAt(byte[] data, int start, string source, Func<object?, object?> persistentLoad)
    {
        var reader = new PickleReader(data, start, source, persistentLoad);
        var value = reader.Run();
        return (value, reader.position);
    }

    private object? Run()
    {
        while (true)
        {
            var at = position;
            var op = ReadByte();
            switch (op)
            {
                case 0x80: // PROTO
                    var protocol = ReadByte();
                    if (protocol > 5) throw Bad($"pickle protocol {protocol} is newer than the supported 2 to 5");
                    break;
                case 0x95: Skip(8); break; // FRAME: a length hint only
                case (byte)'c': Push(TorchPickleGlobals.Resolve(ReadLine(), ReadLine(), source)); break; // GLOBAL
                case 0x93: // STACK_GLOBAL
                {
                    var name = Pop() as string;
                    var module = Pop() as string;
                    if (name == null || module == null) throw Bad($"STACK_GLOBAL at byte {at} needs two strings");
                    Push(TorchPickleGlobals.Resolve(module, name, source));
                    break;
                }
                case (byte)'}': Push(new PickleDict()); break; // EMPTY_DICT
                case (byte)']': Push(new List<object?>()); break; // EMPTY_LIST
                case (byte)')': Push(Array.Empty<object?>()); break; // EMPTY_TUPLE
                case (byte)'(': marks.Push(stack.Count); break; // MARK
                case (byte)'t': Push(PopToMark().ToArray()); break; // TUPLE
                case 0x85: Push(new[] { Pop() }); break; // TUPLE1
                case 0x86: { var b = Pop(); var a = Pop(); Push(new[] { a, b }); break; } // TUPLE2
                case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); Push(new[] { a, b, c }); break; } // TUPLE3
                case (byte)'l': Push(PopToMark()); break; // LIST
                case (byte)'d': // DICT
                {
                    var dict = new PickleDict();
                    SetItems(dict, PopToMark(), at);
                    Push(dict);
                    break;
                }
                case (byte)'X': Push(ReadUtf8(ReadLength(4))); break; // BINUNICODE
                case 0x8c: Push(ReadUtf8(ReadLength(1))); break; // SHORT_BINUNICODE
                case 0x8d: Push(ReadUtf8(ReadLength(8))); break; // BINUNICODE8
                case (byte)'T': Push(Encoding.Latin1.GetString(ReadBytes(ReadLength(4)))); break; // BINSTRING
                case (byte)'U': Push(Encoding.Latin1.GetString(ReadBytes(ReadLength(1)))); break; // SHORT_BINSTRING
                case (byte)'B': Push(ReadBytes(ReadLength(4)).ToArray()); break; // BINBYTES
                case (byte)'C': Push(ReadBytes(ReadLength(1)).ToArray()); break; // SHORT_BINBYTES
                case 0x8e: Push(ReadBytes(ReadLength(8)).ToArray()); break; // BINBYTES8
                case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4))); break; // BININT
                case (byte)'K': Push((long)ReadByte()); break; // BININT1
                case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2))); break; // BININT2
                case 0x8a: Push(ReadLong1(at)); usesLong1 = true; break; // LONG1
                case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(ReadBytes(8))); break; // BINFLOAT
                case 0x88: Push(true); break; // NEWTRUE
                case 0x89: Push(false); break; // NEWFALSE
                case (byte)'N': Push(null); break; // NONE
                case (byte)'q': memo[ReadByte()] = Peek(); break; // BINPUT
                case (byte)'r': memo[BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4))] = Peek(); break; // LONG_BINPUT
                case 0x94: memo[memo.Count] = Peek(); break; // MEMOIZE
                case (byte)'h': Push(Recall(ReadByte(), at)); break; // BINGET
                case (byte)'j': Push(Recall(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4)), at)); break; // LONG_BINGET
                case (byte)'0': Pop(); break; // POP
                case (byte)'1': PopToMark(); break; // POP_MARK
                case (byte)'2': Push(Peek()); break; // DUP
                case (byte)'s': // SETITEM
                {
                    var value = Pop();
                    var key = Pop();
                    SetItems(Peek() as PickleDict ?? throw Bad($"SETITEM at byte {at} applied to {PickleValues.Describe(Peek())}"), [key, value], at);
                    break;
                }
                case (byte)'u': // SETITEMS
                {
                    var pairs = PopToMark();
                    SetItems(Peek() as PickleDict ?? throw Bad($"SETITEMS at byte {at} applied to {PickleValues.Describe(Peek())}"), pairs, at);
                    break;
                }
                case (byte)'a': // APPEND
                {
                    var value = Pop();
                    (Peek() as List<object?> ?? throw Bad($"APPEND at byte {at} applied to {PickleValues.Describe(Peek())}")).Add(value);
                    break;
                }
                case (byte)'e': // APPENDS
                {
                    var values = PopToMark();
                    (Peek() as List<object?> ?? throw Bad($"APPENDS at byte {at} applied to {PickleValues.Describe(Peek())}")).AddRange(values);
                    break;
                }
                case (byte)'Q': Push(persistentLoad(Pop())); break; // BINPERSID
                case (byte)'R': // REDUCE
                case 0x81: // NEWOBJ
                {
                    var args = Pop() as object?[] ?? throw Bad($"call at byte {at} has arguments that are not a tuple");
                    var callable = Pop() as PickleGlobal ?? throw Bad($"call at byte {at} targets something that is not a whitelisted global");
                    Push(TorchPickleGlobals.Call(callable, args, source));
                    break;
                }
                case (byte)'b': Build(Pop(), Peek(), at); break; // BUILD
                case (byte)'.': // STOP
                    if (stack.Count != 1 || marks.Count != 0) throw Bad($"STOP at byte {at} leaves {stack.Count} values on the stack; the pickle is malformed");
                    return stack[0];
                default:
                    throw Bad($"unsupported pickle opcode 0x{op:x2} at byte {at}; this reader handles only what tensor state dicts use");
            }
        }
    }

    private void Build(object? state, object? target, int at)
    {
        // OrderedDict.__reduce__ carries instance attributes (a state dict's _metadata) as BUILD state.
        if (target is PickleDict dict && state is PickleDict attributes)
        {
            foreach (var (key, value) in attributes.Items)
                dict.Attributes[key as string ?? throw Bad($"BUILD at byte {at} sets an attribute whose name is {PickleValues.Describe(key)}")] = value;
            return;
        }
        if (target is PickleDict && state is null) return;
        throw Bad($"BUILD at byte {at} sets state {PickleValues.Describe(state)} on {PickleValues.Describe(target)}, which a state dict never does");
    }

    private void SetItems(PickleDict dict, List<object?> pairs, int at)
    {
        if (pairs.Count % 2 != 0) throw Bad($"dict items at byte {at} are not key/value pairs");
        for (var i = 0; i < pairs.Count; i += 2)
        {
            var key = pairs[i];
            if (key is not (string or long or bool or double))
                throw Bad($"dict key {PickleValues.Describe(key)} at byte {at} is not a string or number");
            dict.Set(key, pairs[i + 1]);
        }
    }

    private long ReadLong1(int at)
    {
        var n = ReadByte();
        if (n > 8) throw Bad($"integer of {n} bytes at byte {at} does not fit 64 bits");
        var bytes = ReadBytes(n);
        long value = 0;
        for (var i = n - 1; i >= 0; i--) value = (value << 8) | bytes[i];
        // Sign-extend the little-endian two's complement value from n bytes.
        if (n is > 0 and < 8 && (bytes[n - 1] & 0x80) != 0) value -= 1L << (8 * n);
        return value;
    }

    private object? Recall(long key, int at) =>
        memo.TryGetValue(key, out var value) ? value : throw Bad($"memo entry {key} read at byte {at} was never stored");

    private List<object?> PopToMark()
    {
        if (marks.Count == 0) throw Bad($"opcode at byte {position - 1} needs a MARK that is not there");
        var mark = marks.Pop();
        var items = stack.GetRange(mark, stack.Count - mark);
        stack.RemoveRange(mark, stack.Count - mark);
        return items;
    }

    private void Push(object? value) => stack.Add(value);

    private object? Peek()
    {
        if (stack.Count == 0 || (marks.Count > 0 && marks.Peek() == stack.Count)) throw Bad($"opcode at byte {position - 1} finds an empty stack");
        return stack[^1];
    }

    private object? Pop()
    {
        var value = Peek();
        stack.RemoveAt(stack.Count - 1);
        return value;
    }

    private byte ReadByte() => ReadBytes(1)[0];

    private void Skip(int count) => ReadBytes(count);

    private ReadOnlySpan<byte> ReadBytes(int count)
    {
        if (count < 0 || count > data.Length - position)
            throw Truncated($"pickle ends at byte {data.Length} but byte {position} needs {count} more; the file is truncated or corrupt");
        var span = data.AsSpan(position, count);
        position += count;
        return span;
    }

    private int ReadLength(int width)
    {
        var bytes = ReadBytes(width);
        var length = width switch
        {
            1 => bytes[0],
            4 => (long)BinaryPrimitives.ReadUInt32LittleEndian(bytes),
            _ => (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(bytes), long.MaxValue),
        };
        if (length > data.Length - position)
            throw Truncated($"a {length}-byte value at byte {position} runs past the end of the {data.Length}-byte pickle; the file is truncated or corrupt");
        return (int)length;
    }

    private string ReadUtf8(int length)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(ReadBytes(length));
        }
        catch (DecoderFallbackException e)
        {
            throw new CaptioningException($"'{source}': invalid UTF-8 in a string ending at byte {position}", e);
        }
    }

    private string ReadLine()
    {
        var end = Array.IndexOf(data, (byte)'\n', position);
        if (end < 0) throw Truncated($"GLOBAL name starting at byte {position} has no terminating newline; the file is truncated");
        var line = Encoding.UTF8.GetString(data, position, end - position);
        position = end + 1;
        return line;
    }

    private CaptioningException Bad(string message) => new($"'{source}': {message}");

    private PickleTruncatedException Truncated(string message) => new($"'{source}': {message}");
}

/// <summary>A pickle ran past the end of the bytes it was given: the file is truncated, or (for a legacy checkpoint read in chunks) more bytes are needed.</summary>
internal sealed class PickleTruncatedException(string message) : CaptioningException(message);
