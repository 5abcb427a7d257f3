namespace Captioning.Data;

/// <summary>Rasterises a <see cref="ShapeScene"/> into RGB bytes with 4x4 supersampled (antialiased) edges.</summary>
internal static class SceneRenderer
{
    private const int Samples = 4;

    internal static byte[] Render(ShapeScene scene, int size, Random random)
    {
        var pixels = new float[size * size * 3];
        PaintBackground(scene, size, random, pixels);
        foreach (var obj in scene.Objects) PaintShape(obj, size, random, pixels);
        var bytes = new byte[pixels.Length];
        for (var i = 0; i < pixels.Length; i++) bytes[i] = (byte)Math.Clamp(pixels[i] + 0.5f, 0f, 255f);
        return bytes;
    }

    private static void PaintBackground(ShapeScene scene, int size, Random random, float[] pixels)
    {
        var tone = (float)(random.NextDouble() * 20 - 10);
        float[] baseColour = [scene.Background.R + tone, scene.Background.G + tone, scene.Background.B + tone];
        var (dx, dy) = (Math.Cos(scene.GradientAngle), Math.Sin(scene.GradientAngle));
        // Gradients shade towards lighter or darker depending on the base, so black stays dark and white light.
        var swing = scene.Background.Name == "white" ? -45.0 : scene.Background.Name == "black" ? 45.0 : 60.0;
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                var shift = 0.0;
                if (scene.Style == BackgroundStyle.Gradient)
                    shift = swing * (((x + 0.5) / size - 0.5) * dx + ((y + 0.5) / size - 0.5) * dy);
                else if (scene.Style == BackgroundStyle.Noise)
                    shift = (random.NextDouble() * 2 - 1) * 18;
                var p = (y * size + x) * 3;
                for (var c = 0; c < 3; c++) pixels[p + c] = baseColour[c] + (float)shift;
            }
        }
    }

    private static void PaintShape(SceneObject obj, int size, Random random, float[] pixels)
    {
        var tone = (float)(random.NextDouble() * 24 - 12);
        float[] colour = [obj.Colour.R + tone, obj.Colour.G + tone, obj.Colour.B + tone];
        var polygon = Outline(obj.Shape);
        var (cos, sin) = (Math.Cos(obj.Rotation), Math.Sin(obj.Rotation));
        var radiusPx = obj.Radius * size;
        var x0 = Math.Max(0, (int)Math.Floor(obj.X * size - radiusPx - 1));
        var x1 = Math.Min(size - 1, (int)Math.Ceiling(obj.X * size + radiusPx + 1));
        var y0 = Math.Max(0, (int)Math.Floor(obj.Y * size - radiusPx - 1));
        var y1 = Math.Min(size - 1, (int)Math.Ceiling(obj.Y * size + radiusPx + 1));
        for (var py = y0; py <= y1; py++)
        {
            for (var px = x0; px <= x1; px++)
            {
                var hits = 0;
                for (var sy = 0; sy < Samples; sy++)
                {
                    for (var sx = 0; sx < Samples; sx++)
                    {
                        // Sample position in the shape's unit frame: centred, scaled by the radius, rotated back.
                        var ux = (px + (sx + 0.5) / Samples - obj.X * size) / radiusPx;
                        var uy = (py + (sy + 0.5) / Samples - obj.Y * size) / radiusPx;
                        var rx = ux * cos + uy * sin;
                        var ry = -ux * sin + uy * cos;
                        if (Inside(obj.Shape, polygon, rx, ry)) hits++;
                    }
                }
                if (hits == 0) continue;
                var alpha = hits / (float)(Samples * Samples);
                var p = (py * size + px) * 3;
                for (var c = 0; c < 3; c++) pixels[p + c] += (colour[c] - pixels[p + c]) * alpha;
            }
        }
    }

    private static bool Inside(ShapeKind shape, (double X, double Y)[] polygon, double x, double y) => shape switch
    {
        ShapeKind.Circle => x * x + y * y <= 0.9 * 0.9,
        ShapeKind.Cross => (Math.Abs(x) <= 0.3 && Math.Abs(y) <= 0.92) || (Math.Abs(y) <= 0.3 && Math.Abs(x) <= 0.92),
        _ => InPolygon(polygon, x, y),
    };

    // Even-odd crossing test; handles the concave star as well as the convex outlines.
    private static bool InPolygon((double X, double Y)[] polygon, double x, double y)
    {
        var inside = false;
        for (int i = 0, j = polygon.Length - 1; i < polygon.Length; j = i++)
        {
            var (xi, yi) = polygon[i];
            var (xj, yj) = polygon[j];
            if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) inside = !inside;
        }
        return inside;
    }

    private static readonly Dictionary<ShapeKind, (double X, double Y)[]> Outlines = new()
    {
        [ShapeKind.Circle] = [],
        [ShapeKind.Cross] = [],
        [ShapeKind.Square] = [(-0.78, -0.78), (0.78, -0.78), (0.78, 0.78), (-0.78, 0.78)],
        // Apex up; shifted down so the triangle's box, not its centroid, is centred on the position.
        [ShapeKind.Triangle] = Regular(3, 1.05, -Math.PI / 2, 0.2),
        [ShapeKind.Diamond] = [(0, -1), (0.7, 0), (0, 1), (-0.7, 0)],
        [ShapeKind.Hexagon] = Regular(6, 0.92, 0, 0),
        [ShapeKind.Star] = Star(),
    };

    private static (double X, double Y)[] Outline(ShapeKind shape) => Outlines[shape];

    private static (double X, double Y)[] Regular(int sides, double radius, double start, double shiftY) =>
        Enumerable.Range(0, sides).Select(k => (radius * Math.Cos(start + k * 2 * Math.PI / sides), radius * Math.Sin(start + k * 2 * Math.PI / sides) + shiftY)).ToArray();

    private static (double X, double Y)[] Star() =>
        Enumerable.Range(0, 10).Select(k =>
        {
            var r = k % 2 == 0 ? 1.0 : 0.45;
            var a = -Math.PI / 2 + k * Math.PI / 5;
            return (r * Math.Cos(a), r * Math.Sin(a) + 0.05);
        }).ToArray();
}
