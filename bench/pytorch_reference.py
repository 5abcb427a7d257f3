#!/usr/bin/python3
"""PyTorch eager reference for `caption bench --compare-pytorch`.

Runs one workload with the same shapes, batch, vocabulary, sequence lengths, optimiser, beam
size, VGG16 input, thread count, warm-up and iterations as the C# workloads in
lib/Captioning.Cli/Commands/Bench/, and prints one JSON line per measurement:
{"workload", "variant", "implementation": "pytorch", "rate", "unit", "threads"}.

`--check` only prints the torch and torchvision versions.
Exit codes: 0 measured, 2 bad arguments, 3 torch/torchvision cannot be imported (the CLI then
tells the user to run `environment/setup --bench-deps`).
"""
import argparse
import json
import os
import sys
import tempfile
import time

try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    import torchvision
except ImportError as missing:
    print(f"pytorch_reference.py: cannot import {missing.name} ({missing}); "
          "install Debian's python3-torch and python3-torchvision", file=sys.stderr)
    sys.exit(3)

# The tutorial's sizes (SEEDS.md A) and the C# workloads' constants.
VOCAB, FEATURES, EMBED, HIDDEN = 7579, 4096, 256, 256
PAD, START, END = 0, 1, 2
TRAIN_BATCH, TRAIN_STEPS = 64, 20
UNROLLED_LENGTH = 34          # the tutorial's max caption length: every prefix is padded to it
DECODE_IMAGES, BEAM, MAX_WORDS = 20, 3, 20
EXTRACT_BATCH, IMAGE_SIZE = 8, 224
MEMORY_IMAGES, MEMORY_CAPTIONS, MEMORY_DEV_IMAGES = 6000, 5, 1000


class CaptionModel(nn.Module):
    """What every architecture shares, as lib/Captioning/Models/CaptionModel.cs builds it: word
    embedding (padding row zero), a batch-first LSTM, and dropout on words and on the image feature."""

    def __init__(self, vocab, embed, hidden, lstm_input, layers=1, dropout=0.5, lstm_dropout=0.0, image_dropout=None):
        super().__init__()
        self.layers, self.hidden = layers, hidden
        self.embed = nn.Embedding(vocab, embed, padding_idx=PAD)
        self.lstm = nn.LSTM(lstm_input, hidden, layers, batch_first=True, dropout=lstm_dropout if layers > 1 else 0.0)
        self.drop = nn.Dropout(dropout)
        self.drop_image = nn.Dropout(dropout if image_dropout is None else image_dropout)

    def zero_state(self, batch):
        zeros = torch.zeros(self.layers, batch, self.hidden)                        # (L, B, H)
        return zeros, zeros.clone()


class Merge(CaptionModel):
    """The merge model as lib/Captioning/Models/MergeModel.cs builds it (ReLU image vector, add or concat, ReLU head).
    The defaults are the tutorial's sizes the bench runs."""

    def __init__(self, vocab=VOCAB, features=FEATURES, embed=EMBED, hidden=HIDDEN, layers=1, dropout=0.5,
                 lstm_dropout=0.0, image_dropout=None, combine="add"):
        super().__init__(vocab, embed, hidden, embed, layers, dropout, lstm_dropout, image_dropout)
        if combine not in ("add", "concat"):
            raise ValueError(f"combine must be add or concat, got {combine}")
        self.combine = combine
        self.image = nn.Linear(features, hidden)
        self.decoder = nn.Linear(hidden if combine == "add" else 2 * hidden, hidden)
        self.output = nn.Linear(hidden, vocab)

    def encode_image(self, features):
        return F.relu(self.image(self.drop_image(features)))                # (B, H)

    def head(self, image, text):
        # image (B, H) or (B, 1, H); text (B[, T], H)
        combined = image + text if self.combine == "add" else torch.cat([image.expand_as(text), text], -1)
        return self.output(F.relu(self.decoder(combined)))                  # (B[, T], V)

    def forward(self, features, ids):
        text, _ = self.lstm(self.drop(self.embed(ids)))                     # (B, T, H)
        return self.head(self.encode_image(features).unsqueeze(1), text)    # (B, T, V)

    def last_logits(self, features, ids):
        """The Keras tutorial's model: the whole prefix in, next-word logits of its last step out."""
        text, _ = self.lstm(self.drop(self.embed(ids)))                     # (B, T, H)
        return self.head(self.encode_image(features), text[:, -1])          # (B, V)

    def step(self, image, tokens, state):
        text, state = self.lstm(self.drop(self.embed(tokens)).unsqueeze(1), state)  # (B, 1, H)
        return self.head(image, text[:, 0]), state                          # (B, V)

    def start(self, features):
        """The decoding state after the image alone: (LSTM state, carried image vector), as MergeModel.Start."""
        return self.zero_state(features.size(0)), self.encode_image(features)

    def decode_step(self, tokens, carried):
        """One token per row (B) in, next-token logits (B, V) and the new carried state out, as MergeModel.Step."""
        state, image = carried
        logits, state = self.step(image, tokens, state)
        return logits, (state, image)


class Inject(CaptionModel):
    """The inject architectures as lib/Captioning/Models/InjectModel.cs builds them; the subclasses
    say where the image enters. Output: dropout, then Linear(H, V)."""

    def __init__(self, vocab, features, embed, hidden, layers=1, dropout=0.5, lstm_dropout=0.0, image_dropout=None,
                 lstm_input=None, image_width=None):
        super().__init__(vocab, embed, hidden, lstm_input or embed, layers, dropout, lstm_dropout, image_dropout)
        self.image = nn.Linear(features, image_width or embed)
        self.output = nn.Linear(hidden, vocab)

    def image_vector(self, features, projection):
        return F.relu(projection(self.drop_image(features)))                # (B, E) or (B, L*H)

    def initial_state(self, features):
        return self.zero_state(features.size(0))

    def logits(self, text):
        return self.output(self.drop(text))                                 # (B[, T], V)

    def step_input(self, words, carried_image):
        return words

    def decode_step(self, tokens, carried):
        state, image = carried
        words = self.drop(self.embed(tokens))                               # (B, E)
        text, state = self.lstm(self.step_input(words, image).unsqueeze(1), state)  # (B, 1, H)
        return self.logits(text[:, 0]), (state, image)                      # (B, V)


class InitInject(Inject):
    """The image sets the LSTM's initial hidden (tanh of the ReLU vector) and cell state, one vector per layer."""

    def __init__(self, vocab, features, embed, hidden, layers=1, **options):
        super().__init__(vocab, features, embed, hidden, layers, image_width=layers * hidden, **options)
        self.image_cell = nn.Linear(features, layers * hidden)

    def initial_state(self, features):
        batch = features.size(0)
        hidden = self.image_vector(features, self.image).tanh().reshape(batch, self.layers, self.hidden)  # (B, L, H)
        cell = self.image_vector(features, self.image_cell).reshape(batch, self.layers, self.hidden)      # (B, L, H)
        return hidden.permute(1, 0, 2).contiguous(), cell.permute(1, 0, 2).contiguous()                   # (L, B, H) x2

    def forward(self, features, ids):
        text, _ = self.lstm(self.drop(self.embed(ids)), self.initial_state(features))                    # (B, T, H)
        return self.logits(text)                                                                          # (B, T, V)

    def start(self, features):
        return self.initial_state(features), None


class PreInject(Inject):
    """The image is the LSTM's first input step (Show and Tell); its output is not scored."""

    def forward(self, features, ids):
        words = self.drop(self.embed(ids))                                  # (B, T, E)
        image = self.image_vector(features, self.image).unsqueeze(1)        # (B, 1, E)
        text, _ = self.lstm(torch.cat([image, words], 1), self.initial_state(features))  # (B, 1 + T, H)
        return self.logits(text[:, 1:])                                     # (B, T, V)

    def start(self, features):
        image = self.image_vector(features, self.image).unsqueeze(1)        # (B, 1, E)
        _, state = self.lstm(image, self.initial_state(features))
        return state, None


class ParInject(Inject):
    """The image vector is concatenated after every word embedding."""

    def __init__(self, vocab, features, embed, hidden, layers=1, **options):
        super().__init__(vocab, features, embed, hidden, layers, lstm_input=2 * embed, **options)

    def step_input(self, words, carried_image):
        return torch.cat([words, carried_image], -1)                       # (B[, T], 2E)

    def forward(self, features, ids):
        words = self.drop(self.embed(ids))                                  # (B, T, E)
        image = self.image_vector(features, self.image).unsqueeze(1).expand(-1, ids.size(1), -1)  # (B, T, E)
        text, _ = self.lstm(self.step_input(words, image), self.initial_state(features))          # (B, T, H)
        return self.logits(text)                                            # (B, T, V)

    def start(self, features):
        return self.initial_state(features), self.image_vector(features, self.image)


def timed(step, warmup, iterations):
    for _ in range(warmup):
        step()
    start = time.perf_counter()
    for _ in range(iterations):
        step()
    return time.perf_counter() - start


def train(args):
    """Teacher forcing on 64 x 20 tokens (as TrainWorkload), then the tutorial's unrolled samples."""
    torch.manual_seed(0)
    model = Merge().train()
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-3)
    features = torch.randn(TRAIN_BATCH, FEATURES)                                   # (64, 4096)
    ids = torch.randint(4, VOCAB, (TRAIN_BATCH, TRAIN_STEPS))                       # (64, 20)
    target = torch.randint(4, VOCAB, (TRAIN_BATCH * TRAIN_STEPS,))                  # (1280)

    def teacher_forced():
        loss = F.cross_entropy(model(features, ids).reshape(-1, VOCAB), target, ignore_index=PAD)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()

    seconds = timed(teacher_forced, args.warmup, args.iterations)
    emit("train", "teacher-forced", TRAIN_BATCH * TRAIN_STEPS * args.iterations / seconds, "tokens/s", args)

    # Every (prefix, next word) pair is one sample; prefixes of 1..21 tokens are pre-padded to 34
    # (Keras pad_sequences). An iteration is 20 batches of 64 samples: the same 1,280 target tokens.
    batches = []
    for _ in range(TRAIN_STEPS):
        lengths = torch.randint(1, TRAIN_STEPS + 2, (TRAIN_BATCH,))
        prefixes = torch.zeros(TRAIN_BATCH, UNROLLED_LENGTH, dtype=torch.long)      # (64, 34)
        for row, length in enumerate(lengths.tolist()):
            prefixes[row, UNROLLED_LENGTH - length:] = torch.randint(4, VOCAB, (length,))
        batches.append((prefixes, torch.randint(4, VOCAB, (TRAIN_BATCH,))))

    def unrolled():
        for prefixes, next_words in batches:
            loss = F.cross_entropy(model.last_logits(features, prefixes), next_words)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()

    seconds = timed(unrolled, args.warmup, args.iterations)
    emit("train", "unrolled", TRAIN_BATCH * TRAIN_STEPS * args.iterations / seconds, "tokens/s", args)


def end_only(logp):
    """After MAX_WORDS words only <end> may follow (as CaptionDecoder's forced end)."""
    forced = torch.full_like(logp, float("-inf"))
    forced[..., END] = logp[..., END]
    return forced


def batched_beam(model, features):
    """Beam search over all images at once, one token per step into the cached LSTM state."""
    batch = features.size(0)
    rows = batch * BEAM
    image = model.encode_image(features).repeat_interleave(BEAM, 0)                 # (B*k, H)
    state = None
    scores = torch.full((rows,), float("-inf"))
    scores[::BEAM] = 0                                                              # only beam 0 is live at first
    tokens = torch.full((rows,), START, dtype=torch.long)                           # (B*k)
    sequences = torch.zeros(rows, 0, dtype=torch.long)                              # (B*k, t)
    finished = torch.zeros(rows, dtype=torch.bool)
    stay = torch.full((VOCAB,), float("-inf"))
    stay[PAD] = 0                                                                   # a finished hypothesis only appends pad
    offsets = (torch.arange(batch) * BEAM).unsqueeze(1)                             # (B, 1)
    for t in range(MAX_WORDS + 1):
        if finished.all():
            break
        logits, state = model.step(image, tokens, state)                            # (B*k, V)
        logp = logits.log_softmax(-1)
        if t == MAX_WORDS:
            logp = end_only(logp)
        logp = torch.where(finished.unsqueeze(1), stay, logp)
        best, flat = (scores.unsqueeze(1) + logp).view(batch, -1).topk(BEAM, 1)     # (B, k)
        source = (offsets + flat // VOCAB).view(-1)                                 # (B*k)
        chosen = (flat % VOCAB).view(-1)
        was_finished = finished[source]
        finished = was_finished | (chosen == END)
        tokens = torch.where(finished, torch.full_like(chosen, PAD), chosen)
        sequences = torch.cat([sequences[source], tokens.unsqueeze(1)], 1)
        state = tuple(s[:, source] for s in state)
        scores = best.view(-1)
    return sequences.view(batch, BEAM, -1)[:, 0]


def naive_beam(model, features):
    """The tutorials' beam search: per image, per hypothesis, the whole prefix is re-run every step."""
    captions = []
    for i in range(features.size(0)):
        photo = features[i:i + 1]                                                   # (1, 4096)
        beams = [([START], 0.0, False)]
        for t in range(MAX_WORDS + 1):
            candidates = []
            for words, score, done in beams:
                if done:
                    candidates.append((words, score, True))
                    continue
                logp = model.last_logits(photo, torch.tensor([words])).log_softmax(-1)[0]  # (V)
                if t == MAX_WORDS:
                    logp = end_only(logp)
                top, index = logp.topk(BEAM)
                for value, word in zip(top.tolist(), index.tolist()):
                    candidates.append((words + [word], score + value, word == END))
            beams = sorted(candidates, key=lambda c: c[1], reverse=True)[:BEAM]
            if all(done for _, _, done in beams):
                break
        captions.append(beams[0][0])
    return captions


def decode(args):
    """Beam 3, at most 20 words, 20 images (as DecodeWorkload): batched with cached state, then naive."""
    torch.manual_seed(0)
    model = Merge().eval()
    features = torch.randn(DECODE_IMAGES, FEATURES)                                 # (20, 4096)
    with torch.no_grad():
        seconds = timed(lambda: batched_beam(model, features), args.warmup, args.iterations)
        emit("decode", "batched-beam", DECODE_IMAGES * args.iterations / seconds, "captions/s", args)
        seconds = timed(lambda: naive_beam(model, features), args.warmup, args.iterations)
        emit("decode", "naive-beam", DECODE_IMAGES * args.iterations / seconds, "captions/s", args)


def extract(args):
    """torchvision VGG16 (random weights) to fc7 after its ReLU on 8 random 224x224 images; or resnet18-mlnet."""
    if args.encoder == "resnet18-mlnet":
        extract_resnet18_mlnet(args)
        return
    torch.manual_seed(0)
    vgg = torchvision.models.vgg16(weights=None).eval()
    fc7 = nn.Sequential(vgg.features, vgg.avgpool, nn.Flatten(1), *list(vgg.classifier.children())[:5])
    batch = torch.randn(EXTRACT_BATCH, 3, IMAGE_SIZE, IMAGE_SIZE)                   # (8, 3, 224, 224)
    with torch.no_grad():
        seconds = timed(lambda: fc7(batch), args.warmup, args.iterations)
    emit("extract", "vgg16-fc7", EXTRACT_BATCH * args.iterations / seconds, "images/s", args)


class BasicBlock(nn.Module):
    """torchvision's BasicBlock (torchvision 0.14 builds only [2, 2, 2, 2] for resnet18, hence our own)."""

    def __init__(self, inplanes, planes, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = None
        if stride != 1 or inplanes != planes:
            self.downsample = nn.Sequential(nn.Conv2d(inplanes, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        return self.relu(self.bn2(self.conv2(out)) + identity)


class MlNetResNet18(nn.Module):
    """The same network as lib/Captioning/Features/MlNetResNet18Encoder.cs: BGR minus the mean image, blocks [2, 2, 2, 3]."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        widths, inplanes = [64, 128, 256, 512], 64
        for i, (planes, blocks) in enumerate(zip(widths, [2, 2, 2, 3])):
            stride = 1 if i == 0 else 2
            stage = [BasicBlock(inplanes, planes, stride)] + [BasicBlock(planes, planes, 1) for _ in range(blocks - 1)]
            setattr(self, f"layer{i + 1}", nn.Sequential(*stage))
            inplanes = planes
        self.register_buffer("mean_image", torch.zeros(1, 3, IMAGE_SIZE, IMAGE_SIZE))

    def forward(self, rgb):
        x = rgb.flip(1) - self.mean_image                                           # (N, 3, 224, 224) BGR
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))                        # (N, 64, 56, 56)
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))                   # (N, 512, 7, 7)
        return torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)                        # (N, 512)


def mlnet_state_dict(model_path, preprocess_path):
    """The ONNX initializers under torchvision's names, matched by graph order: each Conv's weight, each
    BatchNormalization's scale, bias, mean and variance, in the order the graph uses them."""
    import onnx
    from onnx import numpy_helper
    graph = onnx.load(model_path).graph
    init = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in graph.initializer}
    convs = [n for n in graph.node if n.op_type in ("Conv", "BatchNormalization")]
    names = ["conv1", "bn1"]
    for stage, blocks in enumerate([2, 2, 2, 3], start=1):
        for block in range(blocks):
            prefix = f"layer{stage}.{block}."
            names += [prefix + "conv1", prefix + "bn1"]
            # The export runs a stage's downsample convolution before the block's first convolution.
            if block == 0 and stage > 1:
                names = names[:-2] + [prefix + "downsample.0", prefix + "downsample.1"] + names[-2:]
            names += [prefix + "conv2", prefix + "bn2"]
    state = {}
    for node, name in zip(convs, names):
        if node.op_type == "Conv":
            state[name + ".weight"] = init[node.input[1]]
        else:
            for suffix, value in zip(["weight", "bias", "running_mean", "running_var"], node.input[1:5]):
                state[f"{name}.{suffix}"] = init[value]
            state[name + ".num_batches_tracked"] = torch.tensor(0)
    mean = onnx.load(preprocess_path).graph.initializer
    state["mean_image"] = torch.from_numpy(numpy_helper.to_array([t for t in mean if t.name == "MeanImage"][0]).copy())
    return state


def extract_resnet18_mlnet(args):
    """resnet18-mlnet with the package's pretrained weights on 8 random 224x224 RGB 0-255 images."""
    if not args.onnx:
        print("pytorch_reference.py: --encoder resnet18-mlnet needs --onnx PATH/ResNet18.onnx", file=sys.stderr)
        sys.exit(2)
    try:
        import onnx  # noqa: F401  (checked here so that a missing module gets the install hint)
    except ImportError as missing:
        print(f"pytorch_reference.py: cannot import {missing.name} ({missing}); install Debian's python3-onnx", file=sys.stderr)
        sys.exit(3)
    preprocess = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(args.onnx))), "ResNetPrepOnnx", "ResNetPreprocess.onnx")
    model = MlNetResNet18().eval()
    model.load_state_dict(mlnet_state_dict(args.onnx, preprocess), strict=True)
    torch.manual_seed(0)
    batch = torch.rand(EXTRACT_BATCH, 3, IMAGE_SIZE, IMAGE_SIZE) * 255              # (8, 3, 224, 224)
    with torch.no_grad():
        seconds = timed(lambda: model(batch), args.warmup, args.iterations)
    emit("extract", "resnet18-mlnet", EXTRACT_BATCH * args.iterations / seconds, "images/s", args)


def length_batches(lengths, generator, batch, bucket_batches=50):
    """CaptionBatcher's plan: shuffle, sort by length within buckets of 50 batches, shuffle the batches."""
    order = torch.randperm(len(lengths), generator=generator).tolist()
    bucket = batch * bucket_batches
    for start in range(0, len(order), bucket):
        order[start:start + bucket] = sorted(order[start:start + bucket], key=lambda i: lengths[i])
    batches = [order[s:s + batch] for s in range(0, len(order), batch)]
    return [batches[i] for i in torch.randperm(len(batches), generator=generator).tolist()]


def padded(captions, rows, indices):
    """(input, target, image rows) of a batch: <start> w1..wn and w1..wn <end>, padded with 0."""
    steps = max(len(captions[i]) for i in indices) + 1
    inputs = torch.zeros(len(indices), steps, dtype=torch.long)                     # (B, T)
    targets = torch.zeros(len(indices), steps, dtype=torch.long)                    # (B, T)
    for b, i in enumerate(indices):
        words = torch.tensor(captions[i])
        inputs[b, 0] = START
        inputs[b, 1:len(words) + 1] = words
        targets[b, :len(words)] = words
        targets[b, len(words)] = END
    return inputs, targets, torch.tensor([rows[i] for i in indices])


def memory(args):
    """Peak RSS of one Flickr8k-scale epoch (as MemoryWorkload): train, validate, save best and last."""
    generator = torch.Generator().manual_seed(0)
    captions, rows = [], []
    for image in range(MEMORY_IMAGES):
        for _ in range(MEMORY_CAPTIONS):
            length = int(torch.randint(8, 17, (1,), generator=generator))
            captions.append(torch.randint(4, VOCAB, (length,), generator=generator).tolist())
            rows.append(image)
    torch.manual_seed(0)
    features = torch.randn(MEMORY_IMAGES, FEATURES)                                 # (6000, 4096)
    model = Merge()
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-3)
    lengths = [len(c) for c in captions]
    model.train()
    for indices in length_batches(lengths, generator, TRAIN_BATCH):
        inputs, targets, images = padded(captions, rows, indices)
        logits = model(features[images], inputs)                                    # (B, T, V)
        loss = F.cross_entropy(logits.reshape(-1, VOCAB), targets.reshape(-1), ignore_index=PAD)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    model.eval()
    dev = range(MEMORY_DEV_IMAGES * MEMORY_CAPTIONS)
    with torch.no_grad():
        for start in range(0, len(dev), TRAIN_BATCH):
            inputs, targets, images = padded(captions, rows, list(dev[start:start + TRAIN_BATCH]))
            F.cross_entropy(model(features[images], inputs).reshape(-1, VOCAB), targets.reshape(-1), ignore_index=PAD)
    with tempfile.TemporaryDirectory(prefix="caption-bench-memory-") as folder:
        torch.save(model.state_dict(), os.path.join(folder, "best.pt"))
        torch.save({"model": model.state_dict(), "optim": optimiser.state_dict()}, os.path.join(folder, "last.pt"))
    # VmHWM, as ours reads: the peak resident set of this process's own memory. Not ru_maxrss: Linux
    # carries it across execve, so a child of a large parent (caption, after its own memory workload)
    # would report the parent's peak at fork time instead of its own.
    emit("memory", "epoch", peak_resident_kib() / 1024.0, "MB peak RSS", args)


def peak_resident_kib():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


def emit(workload, variant, rate, unit, args):
    print(json.dumps({"workload": workload, "variant": variant, "implementation": "pytorch",
                      "rate": round(rate, 3), "unit": unit, "threads": args.threads}), flush=True)


WORKLOADS = {"train": train, "decode": decode, "extract": extract, "memory": memory}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="print the torch and torchvision versions and exit")
    parser.add_argument("--workload", choices=sorted(WORKLOADS))
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--iterations", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--encoder", choices=["vgg16", "resnet18-mlnet"], default="vgg16", help="the extract workload's network")
    parser.add_argument("--onnx", help="resnet18-mlnet: the package's ResNet18.onnx (ResNetPreprocess.onnx is found beside it)")
    args = parser.parse_args()
    if args.check:
        print(f"torch {torch.__version__} torchvision {torchvision.__version__} threads {torch.get_num_threads()}")
        return
    if args.workload is None:
        parser.error("--workload is required (or --check)")
    if args.threads < 1 or args.iterations < 1 or args.warmup < 0:
        parser.error("--threads and --iterations must be at least 1, --warmup at least 0")
    torch.set_num_threads(args.threads)
    WORKLOADS[args.workload](args)


if __name__ == "__main__":
    main()
