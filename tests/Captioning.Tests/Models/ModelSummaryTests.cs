using System.Xml.Linq;
using Captioning.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Captioning.Tests.Models;

public sealed class ModelSummaryTests : NativeLeakGuard
{
    private static LayerSummary Row(ModelSummary summary, string label) => Assert.Single(summary.Layers, l => l.Label == label);

    [Fact]
    public void TutorialMerge_MatchesKerasPerLayerCounts_AndNamesTheLstmBiasDifference()
    {
        // The tutorial's sizes: V=7,579, max length 34, VGG16's 4,096-d features, E=H=256.
        using var model = CaptionModelFactory.Create(new CaptionModelOptions(Architecture.Merge, 7_579, 4_096, 256, 256));
        var summary = ModelSummary.Of(model, steps: 34);

        Assert.Equal(1_940_224, Row(summary, "embed").Parameters);
        Assert.Equal(1_048_832, Row(summary, "image").Parameters);
        Assert.Equal(65_792, Row(summary, "decoder").Parameters);
        Assert.Equal(1_947_803, Row(summary, "output").Parameters);
        var lstm = Row(summary, "lstm");
        Assert.Equal(526_336, lstm.Parameters);           // PyTorch: b_ih and b_hh
        Assert.Equal(525_312, lstm.KerasParameters);      // Keras: one bias vector
        Assert.Equal(1_024, lstm.KerasDifference);
        Assert.Equal("PyTorch LSTM has two bias vectors: +1,024 against Keras", lstm.Note);
        Assert.All(summary.Layers.Where(l => l.Name != "lstm"), l => Assert.Equal(0, l.KerasDifference));

        Assert.Equal(5_528_987, summary.Total);
        Assert.Equal(5_527_963, summary.KerasTotal);
        Assert.Equal(summary.Total, summary.Trainable);
        Assert.Equal(0, summary.NonTrainable);
        Assert.Equal(model.ParameterCount(), summary.Total);
        Assert.Equal(new long[] { 1, 34, 7_579 }, summary.OutputShape);
        Assert.Equal(new long[] { 1, 34, 256 }, Row(summary, "lstm").OutputShape);

        var text = summary.ToString();
        Assert.Contains("PyTorch LSTM has two bias vectors: +1,024 against Keras", text);
        Assert.Contains("5,528,987", text);
        Assert.Contains("Keras equivalent  5,527,963", text);
        var html = summary.ToHtml();
        Assert.StartsWith("<table class=\"model-summary\">", html);
        Assert.Contains("PyTorch LSTM has two bias vectors: +1,024 against Keras", html);
        Assert.Contains("5,527,963", html);
    }

    // Small sizes: V=12, F=10, E=6, H=8; a sample of 3 captions of 5 steps. Each row: label=shape, in the order the layers run.
    public static TheoryData<string, string> Rows => new()
    {
        { "merge", "drop_image=3x10 image=3x8 embed=3x5x6 drop=3x5x6 lstm=3x5x8 decoder=3x5x8 output=3x5x12" },
        { "init-inject", "embed=3x5x6 drop=3x5x6 drop_image=3x10 image=3x8 drop_image (call 2)=3x10 image_cell=3x8 lstm=3x5x8 drop (call 2)=3x5x8 output=3x5x12" },
        { "pre-inject", "embed=3x5x6 drop=3x5x6 drop_image=3x10 image=3x6 lstm=3x6x8 drop (call 2)=3x5x8 output=3x5x12" },
        { "par-inject", "embed=3x5x6 drop=3x5x6 drop_image=3x10 image=3x6 lstm=3x5x8 drop (call 2)=3x5x8 output=3x5x12" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Of_ListsEachLayerCallWithItsOutputShape(string name, string expected)
    {
        using var model = CaptionModelTests.Small(name);
        var summary = ModelSummary.Of(model, steps: 5, batch: 3);
        var actual = string.Join(" ", summary.Layers.Select(l => $"{l.Label}={string.Join("x", l.OutputShape)}"));
        Assert.Equal(expected, actual);
        Assert.Equal(new long[] { 3, 5, 12 }, summary.OutputShape);
        Assert.Equal(model.ParameterCount(), summary.Layers.Sum(l => l.Parameters));
        Assert.Equal(model.ParameterCount(), summary.Total);
        Assert.All(summary.Layers.Where(l => l.Call > 1), l => Assert.Equal(0, l.Parameters));
        // LSTM(in, 8): one extra bias of 4x8 against Keras.
        Assert.Equal(32, summary.Total - summary.KerasTotal);
    }

    [Fact]
    public void Of_RemovesItsHooksAndRestoresTrainingMode()
    {
        using var model = CaptionModelTests.Small("par-inject");
        model.train();
        var first = ModelSummary.Of(model, steps: 4);
        var second = ModelSummary.Of(model, steps: 4);
        Assert.True(model.training);
        Assert.Equal(first.Layers.Count, second.Layers.Count);
        using var scope = NewDisposeScope();
        model.Forward(randn(2, 10), ones(2, 4, ScalarType.Int64)); // no hook left to record anything
        Assert.Equal(7, second.Layers.Count);
    }

    [Fact]
    public void Of_CountsFrozenParametersAsNonTrainable()
    {
        using var model = CaptionModelTests.Small("merge");
        foreach (var (name, parameter) in model.named_parameters())
            if (name.StartsWith("embed.", StringComparison.Ordinal)) parameter.requires_grad = false;
        var summary = ModelSummary.Of(model, steps: 3);
        Assert.Equal(12 * 6, summary.NonTrainable);
        Assert.Equal(summary.Total - 72, summary.Trainable);
        Assert.False(Row(summary, "embed").Trainable);
        Assert.Contains(summary.ToString().Split('\n'), line => line.StartsWith("embed ", StringComparison.Ordinal) && line.TrimEnd().EndsWith(" no", StringComparison.Ordinal));
    }

    [Fact]
    public void Of_AnyModule_GivesOneRowPerLeafAndAChainDiagram()
    {
        using var net = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2));
        using var scope = NewDisposeScope();
        var summary = ModelSummary.Of(net, randn(5, 4));
        Assert.Equal(new[] { "0", "1", "2" }, summary.Layers.Select(l => l.Name));
        Assert.Equal(new[] { 15L, 0, 8 }, summary.Layers.Select(l => l.Parameters));
        Assert.Equal(new long[] { 5, 2 }, summary.OutputShape);
        Assert.Null(summary.Options);
        var diagram = ModelDiagram.Of(summary);
        Assert.Equal(4, diagram.Nodes.Count); // the input and three layers
        Assert.DoesNotContain("image branch", diagram.ToSvg());
    }

    public static TheoryData<string, string> Joins => new()
    {
        { "merge", "merge: add" }, { "init-inject", "init-inject: initial state" },
        { "pre-inject", "pre-inject: image as step 0" }, { "par-inject", "par-inject: [word; image] each step" },
    };

    [Theory]
    [MemberData(nameof(Joins))]
    public void Diagram_IsWellFormedSvg_WithOneNodePerLayerAndTheBranches(string name, string join)
    {
        using var model = CaptionModelTests.Small(name);
        var summary = ModelSummary.Of(model, steps: 5, batch: 3);
        var diagram = ModelDiagram.Of(summary);
        var svg = XDocument.Parse(diagram.ToSvg());
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", svg.Root!.Name);
        var groups = svg.Descendants(ns + "g").ToList();
        var layers = groups.Where(g => ((string?)g.Attribute("class"))!.StartsWith("layer", StringComparison.Ordinal)).Select(g => (string?)g.Attribute("data-key")).ToList();
        Assert.Equal(summary.Layers.Select(l => l.Label).Order(), layers.Order());
        var texts = svg.Descendants(ns + "text").Select(t => t.Value).ToList();
        Assert.Contains("image branch", texts);
        Assert.Contains("word branch", texts);
        Assert.Contains(join, texts);
        Assert.Single(groups, g => (string?)g.Attribute("class") == "join");
        Assert.Equal(2, groups.Count(g => (string?)g.Attribute("class") == "input"));
        Assert.Contains("lstm: LSTM", texts);
        Assert.Contains(texts, t => t.StartsWith("(B, 5, 12)", StringComparison.Ordinal)); // the output layer's shape
        // Every arrow joins two boxes, and every box but the inputs has an arrow in.
        var keys = diagram.Nodes.Select(n => n.Key).ToHashSet();
        Assert.All(diagram.Edges, e => Assert.True(keys.Contains(e.From) && keys.Contains(e.To)));
        Assert.All(diagram.Nodes.Where(n => n.Branch != DiagramBranch.Input), n => Assert.Contains(diagram.Edges, e => e.To == n.Key));
        Assert.Equal(diagram.Edges.Count, svg.Descendants(ns + "line").Count());
    }

    [Fact]
    public void Diagram_InitInject_FeedsBothStatesIntoTheLstm()
    {
        using var model = CaptionModelTests.Small("init-inject");
        var diagram = ModelDiagram.Of(ModelSummary.Of(model, steps: 5));
        Assert.Contains(diagram.Edges, e => e is { From: "image", To: "join", Label: "h₀" });
        Assert.Contains(diagram.Edges, e => e is { From: "image_cell", To: "join", Label: "c₀" });
        Assert.Contains(diagram.Edges, e => e is { From: "join", To: "lstm" });
        Assert.Contains("image: Linear + ReLU, tanh (B, 8)", diagram.ToString());
    }
}
