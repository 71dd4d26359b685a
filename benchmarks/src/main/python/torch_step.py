"""PyTorch's side of the end-to-end benchmark (run by org.pytree4j.benchmarks.EndToEnd).

The same training step as pytree4j's: a tanh MLP (x @ W + b per layer), mean softmax cross-entropy
on one-hot labels, clip_grad_norm_(1.0) and AdamW(lr 1e-3, weight decay 1e-4), float32, on the fixed
batch and initial weights that the Java side wrote into --data (raw little-endian float32 files).
Every step is timed from the first; prints one line "RESULT {json}" with the same summary as
StepTimes.java: the median and quartiles of the second half of the steps, the median of steps 101 to
200, and the first and last loss.
"""
import argparse
import json
import os
import time

import numpy as np
import torch

MODELS = {"tiny": ([2, 32, 2], 128), "medium": ([784, 512, 512, 10], 128)}


def load(data, name, shape):
    return torch.from_numpy(np.fromfile(os.path.join(data, name), dtype="<f4").reshape(shape).copy())


def quantile(values, q):
    return float(np.quantile(np.asarray(values, dtype=np.float64), q)) / 1e6 if len(values) else float("nan")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--model", required=True, choices=sorted(MODELS))
    parser.add_argument("--steps", type=int, required=True)
    parser.add_argument("--threads", type=int, required=True)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    widths, batch = MODELS[args.model]
    params = []
    for layer in range(len(widths) - 1):
        params.append(torch.nn.Parameter(load(args.data, f"w{layer}.f32", (widths[layer], widths[layer + 1]))))
        params.append(torch.nn.Parameter(load(args.data, f"b{layer}.f32", (widths[layer + 1],))))
    x = load(args.data, "x.f32", (batch, widths[0]))
    y = load(args.data, "y.f32", (batch, widths[-1]))
    optimizer = torch.optim.AdamW(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-4)

    def step():
        optimizer.zero_grad(set_to_none=True)
        h = x
        for layer in range(len(widths) - 1):
            h = h @ params[2 * layer] + params[2 * layer + 1]
            if layer < len(widths) - 2:
                h = torch.tanh(h)
        loss = -(y * torch.log_softmax(h, dim=1)).sum(dim=1).mean()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        return loss.item()

    nanos = []
    first = last = float("nan")
    for i in range(args.steps):
        t0 = time.perf_counter_ns()
        loss = step()
        nanos.append(time.perf_counter_ns() - t0)
        if i == 0:
            first = loss
        last = loss
    steady = nanos[len(nanos) // 2:]
    early = nanos[min(100, len(nanos)):min(200, len(nanos))]
    result = {"system": "pytorch", "model": args.model, "steps": args.steps,
              "steady": quantile(steady, 0.5), "p25": quantile(steady, 0.25), "p75": quantile(steady, 0.75),
              "early": quantile(early, 0.5), "loss0": first, "lossN": last,
              "torch": torch.__version__, "threads": torch.get_num_threads()}
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
