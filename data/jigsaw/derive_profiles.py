#!/usr/bin/env python3
"""Derives spb_profiles.json: per-block SPB profiles of the five Shockwave model families.

Every number follows from the architecture by the formulas in README.md; run this script to
regenerate the file (it is deterministic). fp32 throughout: 4 bytes per parameter and activation.
"""
import json

B = 4  # bytes per fp32 element


def block(name, params, fwd, act, bw=None, ba=None):
    """One block: gradient bytes, forward FLOPs, weight- and input-gradient FLOPs, activation bytes per sample."""
    return {"name": name, "gradientBytes": B * params, "forwardFlops": fwd,
            "weightGradientFlops": fwd if bw is None else bw, "inputGradientFlops": fwd if ba is None else ba,
            "activationBytes": B * act}


def conv(cin, cout, k, hw_out):
    """A bias-free conv + batch norm: parameters, forward FLOPs (2 per multiply-add), kept elements (conv out, BN out)."""
    params = cin * cout * k * k + 2 * cout
    return params, 2 * cin * cout * k * k * hw_out, 2 * cout * hw_out


def group(name, convs, extra_act=0):
    p = sum(c[0] for c in convs)
    f = sum(c[1] for c in convs)
    a = sum(c[2] for c in convs) + extra_act
    return block(name, p, f, a)


def resnet18():
    # CIFAR-10 ResNet-18 (3x3 stem, no max-pool): 32x32 input.
    blocks = [group("stem", [conv(3, 64, 3, 32 * 32)], 64 * 32 * 32)]
    cin, hw = 64, 32 * 32
    for i, cout in enumerate([64, 128, 256, 512]):
        if i > 0:
            hw //= 4
        convs = [conv(cin, cout, 3, hw), conv(cout, cout, 3, hw), conv(cout, cout, 3, hw), conv(cout, cout, 3, hw)]
        if cin != cout:
            convs.append(conv(cin, cout, 1, hw))
        blocks.append(group(f"layer{i + 1}", convs, 4 * cout * hw))  # + the ReLU outputs
        cin = cout
    blocks.append(block("fc", 512 * 10 + 10, 2 * 512 * 10, 512 + 10))
    return blocks


def resnet50():
    # ImageNet ResNet-50: 224x224 input, 7x7 stem and max-pool to 56x56.
    blocks = [group("stem", [conv(3, 64, 7, 112 * 112)], 64 * 112 * 112 + 64 * 56 * 56)]
    cin, hw = 64, 56 * 56
    for i, (mid, n) in enumerate([(64, 3), (128, 4), (256, 6), (512, 3)]):
        cout = 4 * mid
        if i > 0:
            hw //= 4
        convs = []
        for j in range(n):
            convs += [conv(cin if j == 0 else cout, mid, 1, hw), conv(mid, mid, 3, hw), conv(mid, cout, 1, hw)]
            if j == 0:
                convs.append(conv(cin, cout, 1, hw))
        blocks.append(group(f"layer{i + 1}", convs, n * (2 * mid + cout) * hw))
        cin = cout
    blocks.append(block("fc", 2048 * 1000 + 1000, 2 * 2048 * 1000, 2048 + 1000))
    return blocks


def transformer():
    # Transformer base as in attention-is-all-you-need-pytorch on Multi30k: d = 512, d_ff = 2048, 6 + 6 layers,
    # 8 heads, a shared 9,521-word target embedding and output projection, 5,911 source words; 25 tokens a sentence.
    d, ff, n, src, tgt, heads = 512, 2048, 25, 5911, 9521, 8
    attention_flops = 2 * 2 * n * n * d  # scores and weighted sum
    enc_p = 4 * d * d + 2 * d * ff + 4 * d + ff + d + 4 * d
    enc_f = 2 * (4 * d * d + 2 * d * ff) * n + attention_flops
    enc_a = n * (6 * d + ff + 2 * d) + heads * n * n  # q, k, v, context, out, ffn hidden, two norms; softmax
    dec_p = 8 * d * d + 2 * d * ff + 8 * d + ff + d + 6 * d
    dec_f = 2 * (8 * d * d + 2 * d * ff) * n + 2 * attention_flops
    dec_a = n * (11 * d + ff + 3 * d) + 2 * heads * n * n
    # Embeddings are a lookup: no multiply-adds forward or for the input gradient; the weight gradient is a scatter.
    blocks = [block("embeddings", (src + tgt) * d, 0, 2 * n * d, bw=2 * n * d, ba=0)]
    blocks += [block(f"encoder{i + 1}", enc_p, enc_f, enc_a) for i in range(6)]
    blocks += [block(f"decoder{i + 1}", dec_p, dec_f, dec_a) for i in range(6)]
    # The projection shares its weight with the target embedding: its gradient is all-reduced with the embeddings.
    blocks.append(block("projection", 0, 2 * d * tgt * n, n * tgt))
    return blocks


def language_model():
    # PyTorch's word_language_model on WikiText-2: 33,278 words, 2-layer LSTM, 200 units, 35-token sequences.
    v, e, h, t = 33278, 200, 200, 35
    lstm_p = 4 * h * (e + h) + 8 * h
    lstm_f = 2 * 4 * h * (e + h) * t
    lstm_a = t * (4 * h + 2 * h)  # gates, cell and hidden state per step
    return [block("embedding", v * e, 0, t * e, bw=t * e, ba=0),
            block("lstm1", lstm_p, lstm_f, lstm_a),
            block("lstm2", lstm_p, lstm_f, lstm_a),
            block("decoder", h * v + v, 2 * h * v * t, t * v)]


def recommendation():
    # Mult-VAE (Liang et al.) on MovieLens-20M: 20,108 items -> 600 -> 2 x 200 (mean, log-variance) -> 600 -> items.
    items, hid, lat = 20108, 600, 200
    return [block("encoder1", items * hid + hid, 2 * items * hid, items + hid),
            block("encoder2", hid * 2 * lat + 2 * lat, 2 * hid * 2 * lat, 3 * lat),
            block("decoder1", lat * hid + hid, 2 * lat * hid, hid),
            block("decoder2", hid * items + items, 2 * hid * items, 2 * items)]


MODELS = [
    ("ResNet-18", "one 32x32 image", 1, resnet18),
    ("ResNet-50", "one 224x224 image", 1, resnet50),
    ("Transformer", "one sentence pair of 25 tokens", 2, transformer),
    ("LM", "one sequence of 35 tokens", 0, language_model),
    ("Recommendation", "one user's item vector", 2, recommendation),
]

if __name__ == "__main__":
    doc = {"version": 1,
           "source": "derived from the architectures by data/jigsaw/derive_profiles.py (formulas in README.md)",
           "models": [{"name": name, "sample": sample, "optimizerStates": states,
                       "workspaceBytes": 512 * 1024 * 1024, "blocks": make()}
                      for name, sample, states, make in MODELS]}
    with open("spb_profiles.json", "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    for m in doc["models"]:
        p = sum(b["gradientBytes"] for b in m["blocks"]) / 4e6
        fl = sum(b["forwardFlops"] for b in m["blocks"]) / 1e9
        a = sum(b["activationBytes"] for b in m["blocks"]) / 1e6
        print(f"{m['name']}: {len(m['blocks'])} blocks, {p:.2f} M params, {fl:.3f} GFLOPs fwd, {a:.1f} MB act/sample")
