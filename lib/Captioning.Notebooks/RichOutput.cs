using System.Reflection;
using Captioning.Reports;
using Microsoft.Data.Analysis;

namespace Captioning.Notebooks;

/// <summary>
/// Turns a value into a MIME bundle. HTML comes from a ToHtml() method of an interface named
/// Captioning.Reports.IHtmlRenderable and PNG from Captioning.Reports.IPngRenderable's ToPng();
/// both are matched by name, because a notebook's `#r` may load its own copy of the library
/// whose interface types are not the runner's. A DataFrame gets the kernel's table (<see cref="FrameHtml"/>).
/// text/plain (ToString) is always present.
/// </summary>
public static class RichOutput
{
    private const string HtmlInterface = "Captioning.Reports.IHtmlRenderable";
    private const string PngInterface = "Captioning.Reports.IPngRenderable";

    /// <summary>The MIME bundle for a value: text/plain always, text/html and image/png (base64) when the value offers them.</summary>
    public static Dictionary<string, string> Format(object? value)
    {
        var bundle = new Dictionary<string, string> { ["text/plain"] = PlainText(value) };
        if (value is null) return bundle;
        if (Invoke(value, HtmlInterface, "ToHtml") is string html) bundle["text/html"] = html;
        else if (value is DataFrame frame) bundle["text/html"] = FrameHtml.ToHtml(frame);
        if (Invoke(value, PngInterface, "ToPng") is byte[] png) bundle["image/png"] = Convert.ToBase64String(png);
        return bundle;
    }

    private static string PlainText(object? value) => value switch
    {
        null => "null",
        string s => s,
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? value.GetType().Name,
    };

    private static object? Invoke(object value, string interfaceName, string method)
    {
        var type = value.GetType().GetInterfaces().FirstOrDefault(i => i.FullName == interfaceName);
        var info = type?.GetMethod(method, BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes);
        if (info is null) return null;
        try
        {
            return info.Invoke(value, null);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            // The renderer's own exception says what went wrong, not the reflection wrapper.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }
}
