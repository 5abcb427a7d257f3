using Captioning.Models;
using Captioning.Training;
using Captioning.Workbook;
using Xunit;

namespace Captioning.Tests.Workbook;

public class ModelSizesTests : NativeLeakGuard
{
    [Fact]
    public void Count_MergeAtTutorialSizesIsKerasFigurePlusTheSecondLstmBias()
    {
        // The tutorial's Keras summary: 5,527,963 parameters; libtorch's LSTM has a second bias vector per gate (4 x 256 = 1,024 more).
        var counts = ModelSizes.Count(new ModelShape(Architecture.Merge), 7579, 4096);
        Assert.Equal(CaptionModelOptions.ArchitectureNames, counts.Select(c => c.Model));
        Assert.Equal(5_527_963 + 1_024, counts[0].Parameters);
    }

    [Fact]
    public void Layers_SummariesAndDiagramOfOneArchitecture()
    {
        var (summary, diagram) = ModelSizes.Layers(TrainingPreset.Demo.Model, "pre-inject", 82, 288, 16);
        Assert.Equal(Architecture.PreInject, summary.Options!.Architecture);
        Assert.Equal(new long[] { 1, 16, 82 }, summary.OutputShape);
        Assert.Equal(ModelSizes.Count(TrainingPreset.Demo.Model with { Architecture = Architecture.PreInject }, 82, 288)[2].Parameters, summary.Total);
        Assert.Contains(diagram.Nodes, n => n.Title == "pre-inject: image as step 0");
    }

    [Fact]
    public void Show_TabulatesThousandsAndRatioToMerge()
    {
        var (table, bars) = ModelSizes.Show([("merge", 2000), ("init-inject", 3000)]);
        Assert.Equal(2, table.RowCount);
        var text = table.ToString();
        Assert.Contains("2.00", text);
        Assert.Contains("1.50", text);
        Assert.Equal(1, bars.TraceCount);
    }
}
