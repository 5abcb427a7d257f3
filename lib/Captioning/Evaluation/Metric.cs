namespace Captioning.Evaluation;

/// <summary>Every corpus metric this project reports; the coco-caption ones first, then NLTK's.</summary>
public enum Metric
{
    /// <summary>coco-caption BLEU-1 (Bleu_1).</summary>
    CocoBleu1,
    /// <summary>coco-caption BLEU-2 (Bleu_2).</summary>
    CocoBleu2,
    /// <summary>coco-caption BLEU-3 (Bleu_3).</summary>
    CocoBleu3,
    /// <summary>coco-caption BLEU-4 (Bleu_4).</summary>
    CocoBleu4,
    /// <summary>coco-caption ROUGE-L.</summary>
    RougeL,
    /// <summary>coco-caption CIDEr-D (reported as "CIDEr").</summary>
    Cider,
    /// <summary>NLTK corpus_bleu with weights (1, 0, 0, 0).</summary>
    NltkBleu1,
    /// <summary>NLTK corpus_bleu with weights (0.5, 0.5, 0, 0).</summary>
    NltkBleu2,
    /// <summary>NLTK corpus_bleu with the tutorial's weights (0.3, 0.3, 0.3, 0).</summary>
    NltkBleu3,
    /// <summary>NLTK corpus_bleu with weights (0.25, 0.25, 0.25, 0.25).</summary>
    NltkBleu4,
}

/// <summary>Names and groups of <see cref="Metric"/> values as the JSON output and the papers spell them.</summary>
public static class MetricNames
{
    /// <summary>All metrics in report order.</summary>
    public static IReadOnlyList<Metric> All { get; } = Enum.GetValues<Metric>();

    /// <summary>"coco" for the coco-caption metrics, "nltk" for NLTK's corpus BLEU.</summary>
    public static string Group(Metric metric) => metric >= Metric.NltkBleu1 ? "nltk" : "coco";

    /// <summary>The key inside its group: Bleu_1..Bleu_4, ROUGE_L, CIDEr, or BLEU-1..BLEU-4.</summary>
    public static string Key(Metric metric) => metric switch
    {
        Metric.CocoBleu1 => "Bleu_1",
        Metric.CocoBleu2 => "Bleu_2",
        Metric.CocoBleu3 => "Bleu_3",
        Metric.CocoBleu4 => "Bleu_4",
        Metric.RougeL => "ROUGE_L",
        Metric.Cider => "CIDEr",
        Metric.NltkBleu1 => "BLEU-1",
        Metric.NltkBleu2 => "BLEU-2",
        Metric.NltkBleu3 => "BLEU-3",
        Metric.NltkBleu4 => "BLEU-4",
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "unknown metric"),
    };
}
