namespace Captioning.Reports;

/// <summary>
/// Polyglot Notebooks (.NET Interactive) finds formatters through an attribute named
/// TypeFormatterSourceAttribute, matched by name, so the library declares its own copy and needs
/// no Interactive package. The kernel calls CreateTypeFormatters and each formatter's Format.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = true)]
internal sealed class TypeFormatterSourceAttribute(Type formatterSourceType) : Attribute
{
    /// <summary>The type whose CreateTypeFormatters method yields the formatters.</summary>
    public Type FormatterSourceType { get; } = formatterSourceType;

    /// <summary>The MIME types the kernel should prefer for values of the attributed type.</summary>
    public string[] PreferredMimeTypes { get; set; } = ["text/html"];
}

/// <summary>Creates the HTML and plain-text formatters for every <see cref="IHtmlRenderable"/>.</summary>
internal sealed class RichFormatterSource
{
    /// <summary>Called by the kernel by name; yields one formatter per MIME type.</summary>
    public IEnumerable<object> CreateTypeFormatters()
    {
        yield return new RichFormatter("text/html");
        yield return new RichFormatter("text/plain");
    }
}

/// <summary>Writes a value as HTML (through ToHtml; the kernel session's first chart carries plotly.js) or plain text (through ToString).</summary>
internal sealed class RichFormatter(string mimeType)
{
    /// <summary>The MIME type this formatter writes.</summary>
    public string MimeType { get; } = mimeType;

    /// <summary>Writes the value; false tells the kernel to try its other formatters.</summary>
    public bool Format(object instance, TextWriter writer)
    {
        if (instance is not IHtmlRenderable renderable) return false;
        writer.Write(MimeType == "text/html" ? PlotlyPage.ForKernel(renderable.ToHtml()) : renderable.ToString());
        return true;
    }
}
