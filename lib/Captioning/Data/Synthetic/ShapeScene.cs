namespace Captioning.Data;

/// <summary>The shape kinds the synthetic scenes draw.</summary>
internal enum ShapeKind { Circle, Square, Triangle, Star, Diamond, Cross, Hexagon }

/// <summary>How a scene's objects are arranged, which decides how its captions read.</summary>
internal enum SceneLayout { Single, Group, NextTo, Above }

/// <summary>The background's texture.</summary>
internal enum BackgroundStyle { Plain, Gradient, Noise }

/// <summary>A named colour.</summary>
internal sealed record NamedColour(string Name, byte R, byte G, byte B);

/// <summary>One drawn shape; position and radius are fractions of the image side.</summary>
internal sealed record SceneObject(ShapeKind Shape, NamedColour Colour, bool Large, double X, double Y, double Radius, double Rotation);

/// <summary>A whole scene: background and objects; for <see cref="SceneLayout.NextTo"/> the first object is the left one, for <see cref="SceneLayout.Above"/> the upper one.</summary>
internal sealed record ShapeScene(SceneLayout Layout, NamedColour Background, BackgroundStyle Style, double GradientAngle, IReadOnlyList<SceneObject> Objects, int Row, int Column);

/// <summary>Draws random scenes whose every captioned property is visible in the pixels.</summary>
internal static class SceneSampler
{
    internal static readonly NamedColour[] ObjectColours =
    [
        new("red", 215, 38, 38), new("green", 40, 165, 60), new("blue", 40, 85, 225), new("yellow", 245, 215, 40),
        new("orange", 245, 135, 25), new("purple", 135, 55, 185), new("pink", 245, 135, 195),
    ];

    internal static readonly NamedColour[] Backgrounds = [new("grey", 128, 128, 128), new("white", 238, 238, 232), new("black", 28, 28, 30)];

    internal static readonly ShapeKind[] Shapes = Enum.GetValues<ShapeKind>();

    private const double SmallRadius = 0.09;
    private const double LargeRadius = 0.19;

    internal static ShapeScene Sample(Random random)
    {
        var background = Backgrounds[random.Next(Backgrounds.Length)];
        var style = (BackgroundStyle)random.Next(3);
        var angle = random.NextDouble() * Math.PI * 2;
        var roll = random.NextDouble();
        var layout = roll < 0.35 ? SceneLayout.Single : roll < 0.6 ? SceneLayout.Group : roll < 0.8 ? SceneLayout.NextTo : SceneLayout.Above;
        return layout switch
        {
            SceneLayout.Single => Single(random, background, style, angle),
            SceneLayout.Group => Group(random, background, style, angle),
            _ => Pair(random, layout, background, style, angle),
        };
    }

    private static ShapeScene Single(Random random, NamedColour background, BackgroundStyle style, double angle)
    {
        var large = random.Next(2) == 0;
        var row = random.Next(3);
        var column = random.Next(3);
        // Large shapes need the cell centres pulled inwards to stay inside the frame.
        var spread = large ? 0.25 : 0.31;
        var x = 0.5 + (column - 1) * spread + Jitter(random, 0.03);
        var y = 0.5 + (row - 1) * spread + Jitter(random, 0.03);
        return new ShapeScene(SceneLayout.Single, background, style, angle, [Make(random, Pick(random, Shapes), Pick(random, ObjectColours), large, x, y)], row, column);
    }

    private static ShapeScene Group(Random random, NamedColour background, BackgroundStyle style, double angle)
    {
        var count = random.Next(2, 4);
        var shape = Pick(random, Shapes);
        var colour = Pick(random, ObjectColours);
        var objects = new List<SceneObject>();
        while (objects.Count < count)
        {
            var x = 0.14 + random.NextDouble() * 0.72;
            var y = 0.14 + random.NextDouble() * 0.72;
            // Rejection keeps the shapes apart, so each one is countable.
            if (objects.All(o => Math.Sqrt((o.X - x) * (o.X - x) + (o.Y - y) * (o.Y - y)) > 2.6 * SmallRadius))
                objects.Add(Make(random, shape, colour, large: false, x, y));
        }
        return new ShapeScene(SceneLayout.Group, background, style, angle, objects, 1, 1);
    }

    private static ShapeScene Pair(Random random, SceneLayout layout, NamedColour background, BackgroundStyle style, double angle)
    {
        ShapeKind shapeA, shapeB;
        NamedColour colourA, colourB;
        do
        {
            shapeA = Pick(random, Shapes);
            shapeB = Pick(random, Shapes);
            colourA = Pick(random, ObjectColours);
            colourB = Pick(random, ObjectColours);
        }
        while (shapeA == shapeB && colourA == colourB);
        var largeA = random.Next(3) == 0;
        var largeB = random.Next(3) == 0;
        var across = 0.35 + random.NextDouble() * 0.3;
        var near = 0.27 + Jitter(random, 0.03);
        var far = 0.73 + Jitter(random, 0.03);
        var (a, b) = layout == SceneLayout.NextTo
            ? (Make(random, shapeA, colourA, largeA, near, across + Jitter(random, 0.04)), Make(random, shapeB, colourB, largeB, far, across + Jitter(random, 0.04)))
            : (Make(random, shapeA, colourA, largeA, across + Jitter(random, 0.04), near), Make(random, shapeB, colourB, largeB, across + Jitter(random, 0.04), far));
        return new ShapeScene(layout, background, style, angle, [a, b], 1, 1);
    }

    private static SceneObject Make(Random random, ShapeKind shape, NamedColour colour, bool large, double x, double y)
    {
        var radius = (large ? LargeRadius : SmallRadius) * (0.92 + random.NextDouble() * 0.16);
        return new SceneObject(shape, colour, large, x, y, radius, Jitter(random, 0.2));
    }

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];

    private static double Jitter(Random random, double amount) => (random.NextDouble() * 2 - 1) * amount;
}
