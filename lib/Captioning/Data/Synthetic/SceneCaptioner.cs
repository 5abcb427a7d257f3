namespace Captioning.Data;

/// <summary>
/// A small grammar that writes varied, natural captions which only mention what the scene shows:
/// shapes, colours, sizes, counts, positions, relations and the background.
/// </summary>
internal static class SceneCaptioner
{
    internal const int CaptionsPerImage = 5;

    private static readonly Dictionary<ShapeKind, string> Plurals = new()
    {
        [ShapeKind.Circle] = "circles", [ShapeKind.Square] = "squares", [ShapeKind.Triangle] = "triangles", [ShapeKind.Star] = "stars",
        [ShapeKind.Diamond] = "diamonds", [ShapeKind.Cross] = "crosses", [ShapeKind.Hexagon] = "hexagons",
    };

    // Position phrases per 3x3 cell, row-major from the top left.
    private static readonly string[][] Positions =
    [
        ["in the top left corner", "at the top left", "in the upper left corner"],
        ["at the top", "near the top", "at the top of the picture"],
        ["in the top right corner", "at the top right", "in the upper right corner"],
        ["on the left", "on the left side", "at the left of the picture"],
        ["in the centre", "in the middle", "in the middle of the picture"],
        ["on the right", "on the right side", "at the right of the picture"],
        ["in the bottom left corner", "at the bottom left", "in the lower left corner"],
        ["at the bottom", "near the bottom", "at the bottom of the picture"],
        ["in the bottom right corner", "at the bottom right", "in the lower right corner"],
    ];

    /// <summary>Five distinct captions for <paramref name="scene"/>.</summary>
    internal static string[] Captions(ShapeScene scene, Random random)
    {
        var result = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var attempt = 0; result.Count < CaptionsPerImage; attempt++)
        {
            if (attempt > 500) throw new InvalidOperationException($"grammar produced fewer than {CaptionsPerImage} distinct captions for a {scene.Layout} scene");
            var text = scene.Layout switch
            {
                SceneLayout.Single => Single(scene, random),
                SceneLayout.Group => Group(scene, random),
                SceneLayout.NextTo => NextTo(scene, random),
                _ => Above(scene, random),
            };
            if (seen.Add(text)) result.Add(Format(text, random));
        }
        return result.ToArray();
    }

    private static string Single(ShapeScene s, Random r)
    {
        var o = s.Objects[0];
        var where = Pick(r, Positions[s.Row * 3 + s.Column]);
        return r.Next(10) switch
        {
            0 => $"{Noun(o, r)} {where}",
            1 => $"{Noun(o, r)} {where} {Background(s, r)}",
            2 => $"there is {Noun(o, r)} {where}",
            3 => $"{Noun(o, r)} {Background(s, r)}",
            4 => $"{where} there is {Noun(o, r)}",
            5 => $"a picture of {Noun(o, r)} {where}",
            6 => $"one {Adjectives(o, r)}{o.Shape.ToString().ToLowerInvariant()} {where} {Background(s, r)}",
            7 => $"a single {Adjectives(o, r)}{o.Shape.ToString().ToLowerInvariant()} {Background(s, r)}",
            8 => $"{Noun(o, r)} sits {where}",
            _ => $"{Background(s, r, article: true)} with {Noun(o, r)} {where}",
        };
    }

    private static string Group(ShapeScene s, Random r)
    {
        var o = s.Objects[0];
        var n = s.Objects.Count == 2 ? "two" : "three";
        var shapes = Plurals[o.Shape];
        var colour = o.Colour.Name;
        return r.Next(9) switch
        {
            0 => $"{n} {colour} {shapes}",
            1 => $"{n} small {colour} {shapes} {Background(s, r)}",
            2 => $"there are {n} {colour} {shapes} {Background(s, r)}",
            3 => $"a group of {n} {colour} {shapes}",
            4 => $"{n} {shapes} that are all {colour}",
            5 => $"{n} {colour} {shapes} scattered {Background(s, r)}",
            6 => $"{n} identical {colour} {shapes}",
            7 => $"a few small {colour} {shapes} {Background(s, r)}",
            _ => $"{Background(s, r, article: true)} with {n} {colour} {shapes}",
        };
    }

    private static string NextTo(ShapeScene s, Random r)
    {
        var (left, right) = (s.Objects[0], s.Objects[1]);
        return r.Next(9) switch
        {
            0 => $"{Noun(left, r)} next to {Noun(right, r)}",
            1 => $"{Noun(right, r)} next to {Noun(left, r)} {Background(s, r)}",
            2 => $"{Noun(left, r)} to the left of {Noun(right, r)}",
            3 => $"{Noun(right, r)} to the right of {Noun(left, r)}",
            4 => $"{Noun(left, r)} and {Noun(right, r)} side by side",
            5 => $"{Noun(left, r)} beside {Noun(right, r)} {Background(s, r)}",
            6 => $"there is {Noun(left, r)} on the left and {Noun(right, r)} on the right",
            7 => $"{Noun(left, r)} and {Noun(right, r)} {Background(s, r)}",
            _ => $"{Noun(right, r)} on the right with {Noun(left, r)} on the left",
        };
    }

    private static string Above(ShapeScene s, Random r)
    {
        var (top, bottom) = (s.Objects[0], s.Objects[1]);
        return r.Next(9) switch
        {
            0 => $"{Noun(top, r)} above {Noun(bottom, r)}",
            1 => $"{Noun(bottom, r)} below {Noun(top, r)}",
            2 => $"{Noun(top, r)} above {Noun(bottom, r)} {Background(s, r)}",
            3 => $"{Noun(bottom, r)} under {Noun(top, r)}",
            4 => $"{Noun(top, r)} on top and {Noun(bottom, r)} underneath",
            5 => $"there is {Noun(top, r)} at the top and {Noun(bottom, r)} at the bottom",
            6 => $"{Noun(top, r)} is above {Noun(bottom, r)}",
            7 => $"{Noun(bottom, r)} sits below {Noun(top, r)} {Background(s, r)}",
            _ => $"{Noun(top, r)} and {Noun(bottom, r)} one above the other",
        };
    }

    // "a red circle", "a small red circle", "a big red circle", "an orange star": size is mentioned now and then.
    private static string Noun(SceneObject o, Random r)
    {
        var phrase = Adjectives(o, r) + o.Shape.ToString().ToLowerInvariant();
        return ("aeiou".Contains(phrase[0]) ? "an " : "a ") + phrase;
    }

    private static string Adjectives(SceneObject o, Random r)
    {
        var size = r.Next(3) == 0 ? (o.Large ? Pick(r, ["large ", "big "]) : "small ") : "";
        return size + o.Colour.Name + " ";
    }

    private static string Background(ShapeScene s, Random r, bool article = false)
    {
        var texture = s.Style switch
        {
            BackgroundStyle.Gradient => Pick(r, ["shaded ", "softly lit ", ""]),
            BackgroundStyle.Noise => Pick(r, ["grainy ", "speckled ", ""]),
            _ => Pick(r, ["plain ", "", ""]),
        };
        var phrase = $"{texture}{s.Background.Name} background";
        if (article) return (phrase[0] == 'a' ? "an " : "a ") + phrase;
        return Pick(r, ["on a ", "on a ", "against a "]) + phrase;
    }

    // Flickr8k captions vary in capitals and end punctuation; so do these, and cleaning removes both.
    private static string Format(string text, Random r)
    {
        if (r.Next(10) < 7) text = char.ToUpperInvariant(text[0]) + text[1..];
        return r.Next(10) switch
        {
            < 5 => text + " .",
            < 7 => text + ".",
            _ => text,
        };
    }

    private static T Pick<T>(Random r, T[] items) => items[r.Next(items.Length)];
}
