using System.Text;

namespace Frugal.Core.Results;

/// <summary>RFC 4180 CSV: comma separated, fields quoted when they hold a comma, quote or line break.</summary>
internal static class Csv
{
    public static void WriteRow(TextWriter writer, IEnumerable<string> fields)
    {
        writer.Write(string.Join(",", fields.Select(Escape)));
        writer.Write("\n");
    }

    public static string Escape(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;

    /// <summary>Reads every row; a quoted field may span lines.</summary>
    /// <exception cref="FormatException">A quote is left open; the message names <paramref name="source"/> and the
    /// line.</exception>
    public static List<string[]> ReadRows(TextReader reader, string source = "<csv>")
    {
        var rows = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false, afterQuote = false, rowHasContent = false;
        var line = 1;
        var quoteLine = 0;
        int c;
        while ((c = reader.Read()) >= 0)
        {
            var ch = (char)c;
            if (quoted)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"') { reader.Read(); field.Append('"'); }
                    else { quoted = false; afterQuote = true; }
                }
                else
                {
                    if (ch == '\n') line++;
                    field.Append(ch);
                }
                continue;
            }
            switch (ch)
            {
                case '"' when field.Length == 0 && !afterQuote:
                    quoted = true;
                    quoteLine = line;
                    rowHasContent = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    afterQuote = false;
                    rowHasContent = true;
                    break;
                case '\r':
                    break;
                case '\n':
                    if (rowHasContent || field.Length > 0) EndRow();
                    line++;
                    break;
                default:
                    if (afterQuote) throw new FormatException($"{source}:{line}: text after a closing quote.");
                    field.Append(ch);
                    rowHasContent = true;
                    break;
            }
        }
        if (quoted) throw new FormatException($"{source}:{quoteLine}: a quoted field is never closed.");
        if (rowHasContent || field.Length > 0) EndRow();
        return rows;

        void EndRow()
        {
            fields.Add(field.ToString());
            rows.Add(fields.ToArray());
            fields.Clear();
            field.Clear();
            afterQuote = false;
            rowHasContent = false;
        }
    }
}
