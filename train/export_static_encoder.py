"""Rebuild encoder.v1 as float32 and quantise it statically (fixed activation scales).

    /tmp/train/bin/python train/export_static_encoder.py float  --out /tmp/q9
    /tmp/train/bin/python train/export_static_encoder.py static --out /tmp/q9 --method minmax --name minmax
    /tmp/train/bin/python train/export_static_encoder.py fixed  --out /tmp/q9 --model /tmp/q9/minmax.onnx --name encoder-v1s
    /tmp/train/bin/python train/export_static_encoder.py ship   --model /tmp/q9/encoder-v1s.onnx --weights encoder-v1s

(these four made the shipped encoder.v1s, byte for byte; ``static`` alone makes the QDQ variants that
were compared, see docs/model-card.md "blend.v5").

Why: encoder.v1 was quantised dynamically (``quantize_dynamic``): each ONNX batch's activations
share one scale computed from that batch, so a turn's vector depends on the other turns encoded
beside it. Static quantisation fixes every activation scale once, from calibration texts, so a
turn reads the same alone or in any batch.

There is no float32 checkpoint on disk (``train/train_moves.py`` deletes it after quantising), so
``float`` rebuilds one from the shipped int8 graph: every DynamicQuantizeLinear -> MatMulInteger ->
Cast -> Mul(scale) chain becomes one float MatMul with ``W = (W_int8 - zero_point) * scale``, and
the three int8 embedding tables (Gather -> DequantizeLinear) become float tables. Everything else in
the graph is kept. The weights are then exactly the int8 ones, so the float graph reads like the
int8 model without its activation rounding.

The float graph's mean pooling becomes a batched MatMul (``exact_pooling``): ONNX Runtime's ReduceSum
sums in an order that depends on the batch's shape. ``fixed`` puts fixed scales into encoder.v1's own
int8 graph (``fixed_scales``), which is what ships.

``static`` calibrates on TRAIN-split texts only (``corpus/train.jsonl``), batched by length as
``TurnEncoder.encode`` does, and writes ``VARIANT.onnx`` to ``--out``. ``ship`` copies a chosen
variant, with encoder.v1's tokenizer, head and meta, to ``src/cyclemap/moves/weights/WEIGHTS``.

Needs onnx and onnxruntime (train/requirements.txt), never at run time.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
WEIGHTS = ROOT / "src" / "cyclemap" / "moves" / "weights"
SOURCE = WEIGHTS / "encoder-v1"


def dequantise(source: Path, out: Path, int8_embeddings: bool = True) -> None:
    """Write the float32 graph of the int8 encoder at ``source`` to ``out``.

    With ``int8_embeddings`` the three embedding tables stay int8 (Gather, then DequantizeLinear of
    the rows gathered: per turn, exact, and a quarter of the size); the MatMuls become float.
    """
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(source))
    graph = model.graph
    inits = {i.name: i for i in graph.initializer}
    producer = {o: n for n in graph.node for o in n.output}
    consumers: dict[str, list] = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)

    def array(name: str) -> np.ndarray:
        return numpy_helper.to_array(inits[name])

    drop: set[int] = set()  # id() of nodes to remove
    new_inits: dict[str, np.ndarray] = {}
    replacements: dict[int, object] = {}  # id(node) -> node that takes its place
    for node in graph.node:
        if node.op_type == "MatMulInteger":
            a_q, w_q, _a_zp, w_zp = node.input
            quantiser = producer[a_q]
            assert quantiser.op_type == "DynamicQuantizeLinear"
            (cast,) = consumers[node.output[0]]
            (scale_mul,) = consumers[cast.output[0]]
            assert cast.op_type == "Cast" and scale_mul.op_type == "Mul"
            scales = producer[scale_mul.input[1]]  # a_scale * w_scale
            assert scales.op_type == "Mul"
            w_scale = scales.input[1]
            weight = (array(w_q).astype(np.float32) - array(w_zp).astype(np.float32)) * array(w_scale)
            name = w_q.removesuffix("_quantized")
            new_inits[name] = weight.astype(np.float32)
            replacements[id(node)] = helper.make_node(
                "MatMul", [quantiser.input[0], name], [scale_mul.output[0]], name=node.name.removesuffix("_quant")
            )
            drop.update({id(cast), id(scale_mul), id(scales), id(quantiser)})
        elif node.op_type == "DequantizeLinear" and node.input[0] in producer and not int8_embeddings:
            gather = producer[node.input[0]]
            if gather.op_type != "Gather" or gather.input[0] not in inits:
                continue
            table, scale, zero = gather.input[0], node.input[1], node.input[2]
            weight = (array(table).astype(np.float32) - array(zero).astype(np.float32)) * array(scale)
            name = table.removesuffix("_quantized")
            new_inits[name] = weight.astype(np.float32)
            replacements[id(gather)] = helper.make_node("Gather", [name, gather.input[1]], [node.output[0]], name=gather.name)
            drop.add(id(node))
    nodes = [replacements.get(id(n), n) for n in graph.node if id(n) not in drop]
    del graph.node[:]
    graph.node.extend(nodes)
    used = {name for n in graph.node for name in n.input}
    kept = [i for i in graph.initializer if i.name in used]
    del graph.initializer[:]
    graph.initializer.extend(kept)
    graph.initializer.extend(numpy_helper.from_array(w, name) for name, w in new_inits.items())
    exact_pooling(model)
    onnx.checker.check_model(model)
    onnx.save(model, str(out))


def exact_pooling(model) -> None:
    """Mean pooling as a batched MatMul (mask [B,1,L] x tokens [B,L,H]) instead of Mul + ReduceSum.

    ONNX Runtime's ReduceSum over the token axis adds in an order that depends on the batch's
    shape, so the same turn pooled alone or beside others differed in the last bit; the batched
    MatMul runs the same kernel per turn whatever the batch, and padding adds exact zeros at the end.
    (Everything before the pooling is already the same byte for byte: the attention mask zeroes padding.)
    """
    import onnx
    from onnx import helper

    graph = model.graph
    producer = {o: n for n in graph.node for o in n.output}
    (reduce,) = [n for n in graph.node if n.op_type == "ReduceSum" and producer[n.input[0]].op_type == "Mul"]
    multiply = producer[reduce.input[0]]
    tokens, mask = multiply.input  # [B,L,H] and the float mask [B,L,1]
    assert producer[mask].op_type == "Cast"
    axes = helper.make_tensor("pool_axes", onnx.TensorProto.INT64, [1], [1])
    graph.initializer.append(axes)
    replacement = [
        helper.make_node("Transpose", [mask], ["pool_mask_row"], perm=[0, 2, 1], name="pool_mask_row"),
        helper.make_node("MatMul", ["pool_mask_row", tokens], ["pool_sum"], name="pool_sum"),
        helper.make_node("Squeeze", ["pool_sum", "pool_axes"], [reduce.output[0]], name="pool_squeeze"),
    ]
    nodes = []
    for node in graph.node:
        if node is multiply:
            continue
        nodes.extend(replacement if node is reduce else [node])
    del graph.node[:]
    graph.node.extend(nodes)


def train_texts(count: int, seed: int = 13) -> list[str]:
    """``count`` distinct turn texts of the train split (a seeded sample)."""
    texts = []
    with open(ROOT / "corpus" / "train.jsonl", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if row.get("split", "train") == "train":
                texts.append(row["text"])
    unique = list(dict.fromkeys(texts))
    random.Random(seed).shuffle(unique)
    return unique[:count]


class TrainReader:
    """CalibrationDataReader over train texts, batched by length as TurnEncoder.encode does."""

    def __init__(self, texts: list[str], batch: int = 64) -> None:
        from tokenizers import Tokenizer

        meta = json.loads((SOURCE / "meta.json").read_text(encoding="utf-8"))
        tokenizer = Tokenizer.from_file(str(SOURCE / "tokenizer.json"))
        tokenizer.enable_truncation(meta["max_tokens"])
        tokenizer.no_padding()
        encodings = [e.ids for e in tokenizer.encode_batch(texts)]
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i]))
        self.feeds = []
        for start in range(0, len(order), batch):
            chosen = order[start:start + batch]
            width = max(len(encodings[i]) for i in chosen)
            ids = np.zeros((len(chosen), width), np.int64)
            mask = np.zeros((len(chosen), width), np.int64)
            for row, index in enumerate(chosen):
                ids[row, : len(encodings[index])] = encodings[index]
                mask[row, : len(encodings[index])] = 1
            self.feeds.append({"input_ids": ids, "attention_mask": mask})
        self.rewind()

    def rewind(self) -> None:
        self._iter = iter(self.feeds)

    def get_next(self):
        return next(self._iter, None)


class _OneBatch:
    def __init__(self, feed) -> None:
        self.feed = feed

    def get_next(self):
        feed, self.feed = self.feed, None
        return feed


def _histograms_per_batch() -> None:
    """ORT's histogram calibrators (Percentile, Entropy) keep every batch's activations and then stack
    them, which needs one batch width and all of memory; feed them one batch at a time instead (their
    histograms merge across calls)."""
    from onnxruntime.quantization import calibrate

    original = calibrate.HistogramCalibrater.collect_data
    if getattr(original, "per_batch", False):
        return

    def collect_data(self, reader) -> None:
        while (feed := reader.get_next()) is not None:
            original(self, _OneBatch(feed))

    collect_data.per_batch = True  # type: ignore[attr-defined]
    calibrate.HistogramCalibrater.collect_data = collect_data


def static(args: argparse.Namespace) -> None:
    from onnxruntime.quantization import CalibrationMethod, QuantFormat, QuantType, quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process

    _histograms_per_batch()
    fp32 = args.out / "encoder.fp32.onnx"
    prepared = args.out / "encoder.fp32.pre.onnx"
    if not prepared.exists():
        # shape inference + ORT's basic graph fusions, as the quantisation docs advise
        quant_pre_process(str(fp32), str(prepared), skip_symbolic_shape=True)
    method = {"minmax": CalibrationMethod.MinMax, "percentile": CalibrationMethod.Percentile,
              "entropy": CalibrationMethod.Entropy}[args.method]
    extra: dict[str, object] = {"CalibMovingAverage": False}
    if not args.quantise_outputs:
        # QDQ rounds a MatMul's output to 8 bits too by default; a float output (what the dynamic
        # model had: ORT fuses the pattern into MatMulIntegerToFloat) keeps the wide FFN outputs exact
        extra["OpTypesToExcludeOutputQuantization"] = ["MatMul", "Gather"]
    if args.method == "percentile":
        extra["CalibPercentile"] = args.percentile
    if args.method in ("percentile", "entropy"):
        extra["CalibTensorRangeSymmetric"] = False
    name = args.name or f"{args.method}-{args.format}-{'pc' if args.per_channel else 'pt'}-{args.activation}{args.weight}"
    types = {"u8": QuantType.QUInt8, "s8": QuantType.QInt8}
    reader = TrainReader(train_texts(args.texts))
    nodes = None
    if not args.activation_matmuls:
        # only the MatMuls with a weight matrix (attention's two activation-by-activation
        # products stay float: they are a small share of the work)
        import onnx

        graph = onnx.load(str(prepared)).graph
        weights = {i.name for i in graph.initializer}
        nodes = [n.name for n in graph.node if n.op_type != "MatMul" or n.input[1] in weights]
    quantize_static(
        str(prepared), str(args.out / f"{name}.onnx"), reader,
        quant_format=QuantFormat.QDQ if args.format == "qdq" else QuantFormat.QOperator,
        op_types_to_quantize=args.ops.split(","), nodes_to_quantize=nodes,
        per_channel=args.per_channel,
        activation_type=types[args.activation], weight_type=types[args.weight],
        calibrate_method=method, extra_options=extra,
    )
    if not args.round_residuals:
        float_residuals(args.out / f"{name}.onnx")
    print(f"wrote {args.out / f'{name}.onnx'}")


def float_residuals(path: Path) -> None:
    """Give every consumer that is not a quantised MatMul the float activation, not its 8-bit copy.

    QDQ puts Q -> DQ on a tensor for all its consumers, so a LayerNorm output that feeds the next
    MatMul also reaches the residual Add and the next LayerNorm rounded to 8 bits; the dynamic
    model rounded only the MatMul's copy. Rewiring the others to the float tensor does that again.
    """
    import onnx

    model = onnx.load(str(path))
    graph = model.graph
    weights = {i.name for i in graph.initializer}
    producer = {o: n for n in graph.node for o in n.output}
    def quantised_matmul(node) -> bool:  # a MatMul whose weight is a dequantised int8 initializer
        weight = producer.get(node.input[1]) if node.op_type == "MatMul" else None
        return weight is not None and weight.op_type == "DequantizeLinear" and weight.input[0] in weights

    for node in graph.node:
        if quantised_matmul(node):
            continue
        for k, name in enumerate(node.input):
            dq = producer.get(name)
            if dq is None or dq.op_type != "DequantizeLinear" or dq.input[0] in weights:
                continue
            q = producer.get(dq.input[0])
            if q is not None and q.op_type == "QuantizeLinear":
                node.input[k] = q.input[0]
    used = {name for n in graph.node for name in n.input} | {o.name for o in graph.output}
    nodes = [n for n in graph.node if n.op_type not in ("QuantizeLinear", "DequantizeLinear") or any(o in used for o in n.output)]
    del graph.node[:]
    graph.node.extend(nodes)
    onnx.save(model, str(path))


def fixed_scales(source: Path, calibrated: Path, out: Path) -> None:
    """encoder.v1's own int8 graph with each DynamicQuantizeLinear replaced by a QuantizeLinear with
    the scale and zero point that ``calibrated`` (a QDQ model from ``static``) gives that tensor.

    Same int8 weights as encoder.v1, same kernels after ONNX Runtime's fusions (MatMulIntegerToFloat
    with its bias), minus the per-batch min/max pass: the scales no longer depend on the batch.
    """
    import onnx
    from onnx import helper, numpy_helper

    qdq = onnx.load(str(calibrated))
    inits = {i.name: numpy_helper.to_array(i) for i in qdq.graph.initializer}
    scales = {n.input[0]: (inits[n.input[1]], inits[n.input[2]]) for n in qdq.graph.node
              if n.op_type == "QuantizeLinear" and n.input[0] not in inits}
    model = onnx.load(str(source))
    graph = model.graph
    nodes = []
    for node in graph.node:
        if node.op_type != "DynamicQuantizeLinear":
            nodes.append(node)
            continue
        tensor = node.input[0]
        scale, zero = scales[tensor]  # KeyError: the calibrated model quantised other tensors
        assert zero.dtype == np.uint8 and scale.size == 1
        quantised, scale_name, zero_name = node.output
        graph.initializer.append(numpy_helper.from_array(scale.astype(np.float32).reshape(()), scale_name))
        graph.initializer.append(numpy_helper.from_array(zero.reshape(()), zero_name))
        nodes.append(helper.make_node("QuantizeLinear", [tensor, scale_name, zero_name], [quantised], name=node.name))
    del graph.node[:]
    graph.node.extend(nodes)
    _fuse_matmuls(graph)
    if not any(o.domain == "com.microsoft" for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    exact_pooling(model)
    onnx.save(model, str(out))  # (onnx.checker does not know ONNX Runtime's com.microsoft ops)


def _fuse_matmuls(graph) -> None:
    """MatMulInteger -> Cast -> Mul(a_scale * w_scale) -> Add(bias) as one com.microsoft
    MatMulIntegerToFloat with its bias: ONNX Runtime fuses this itself only after a
    DynamicQuantizeLinear, and unfused the chain costs a fifth more."""
    from onnx import helper

    weights = {i.name for i in graph.initializer}
    producer = {o: n for n in graph.node for o in n.output}
    consumers: dict[str, list] = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    drop, replace = set(), {}
    for node in graph.node:
        if node.op_type != "MatMulInteger":
            continue
        a, w, a_zero, w_zero = node.input
        (cast,) = consumers[node.output[0]]
        (scale_mul,) = consumers[cast.output[0]]
        scales = producer[scale_mul.input[1]]
        a_scale, w_scale = scales.input
        inputs, output = [a, w, a_scale, w_scale, a_zero, w_zero], scale_mul.output[0]
        after = consumers.get(output, [])
        if len(after) == 1 and after[0].op_type == "Add":
            bias = [x for x in after[0].input if x != output]
            if len(bias) == 1 and bias[0] in weights:
                inputs.append(bias[0])
                output = after[0].output[0]
                drop.add(id(after[0]))
        replace[id(node)] = helper.make_node("MatMulIntegerToFloat", inputs, [output], name=node.name, domain="com.microsoft")
        drop.update({id(cast), id(scale_mul), id(scales)})
    kept = [replace.get(id(n), n) for n in graph.node if id(n) not in drop]
    del graph.node[:]
    graph.node.extend(kept)


def ship(args: argparse.Namespace) -> None:
    target = WEIGHTS / args.weights
    target.mkdir(parents=True, exist_ok=False)
    shutil.copy(args.model, target / "encoder.int8.onnx")
    shutil.copy(SOURCE / "tokenizer.json", target / "tokenizer.json")
    shutil.copy(SOURCE / "head.npz", target / "head.npz")
    meta = json.loads((SOURCE / "meta.json").read_text(encoding="utf-8"))
    meta["name"] = args.name
    meta["quantisation"] = args.note
    (target / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    print(f"shipped {args.model} as {target}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("step", choices=["float", "static", "fixed", "ship"])
    parser.add_argument("--out", type=Path, default=Path("/tmp/q9"))
    parser.add_argument("--method", choices=["minmax", "percentile", "entropy"], default="minmax")
    parser.add_argument("--percentile", type=float, default=99.99)
    parser.add_argument("--format", choices=["qdq", "qop"], default="qdq")
    parser.add_argument("--per-channel", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--activation", choices=["u8", "s8"], default="u8")
    parser.add_argument("--weight", choices=["u8", "s8"], default="s8")
    parser.add_argument("--ops", default="MatMul", help="op types to quantise (comma-separated)")
    parser.add_argument("--activation-matmuls", action=argparse.BooleanOptionalAction, default=False,
                        help="also quantise attention's activation-by-activation MatMuls")
    parser.add_argument("--quantise-outputs", action=argparse.BooleanOptionalAction, default=False,
                        help="QDQ: also round MatMul and Gather outputs to 8 bits")
    parser.add_argument("--round-residuals", action=argparse.BooleanOptionalAction, default=False,
                        help="QDQ: let non-MatMul consumers (residual adds, LayerNorms) read the 8-bit copy")
    parser.add_argument("--int8-embeddings", action=argparse.BooleanOptionalAction, default=True,
                        help="float: keep the embedding tables int8 (as encoder.v1 has them)")
    parser.add_argument("--texts", type=int, default=3000, help="train-split texts to calibrate on")
    parser.add_argument("--name", default="")
    parser.add_argument("--model", type=Path, help="fixed: the calibrated QDQ model to take scales from; ship: the variant to ship")
    parser.add_argument("--weights", default="encoder-v1s", help="ship: the new weights folder")
    parser.add_argument("--note", default="", help="ship: how it was quantised (kept in meta.json)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.step == "float":
        dequantise(SOURCE / "encoder.int8.onnx", args.out / "encoder.fp32.onnx", args.int8_embeddings)
        print(f"wrote {args.out / 'encoder.fp32.onnx'}")
    elif args.step == "static":
        static(args)
    elif args.step == "fixed":
        name = args.name or f"fixed-{args.model.stem}"
        fixed_scales(SOURCE / "encoder.int8.onnx", args.model, args.out / f"{name}.onnx")
        print(f"wrote {args.out / f'{name}.onnx'}")
    else:
        args.name = args.name or "encoder.v1s"
        ship(args)


if __name__ == "__main__":
    main()
