#!/usr/bin/python3
"""policy_openloop.py: how closely a trained policy reproduces its training data, open loop.

Loads CHECKPOINT.h5 (EMA weights) into PyTorch with tests/ref/torch_load_ckpt.py's loader, takes
N random windows of WINDOWS.h5 (observations already scaled to [-1,1]), samples each window's
chunk like flowchunk does (flow: K Euler steps from N(0, I) noise; MSE: one forward pass) for
three noise seeds, and prints, in pixels, the distance between the sampled and the recorded
actions over the executed entries (1..Ta) and for the first executed action, and the spread
between two samples of the same window (how uncertain the policy is about what comes next).

    /usr/bin/python3 benchmarks/policy_openloop.py CHECKPOINT.h5 WINDOWS.h5 [--n 2000] [--ta 8] [--flow-steps 10]

Used in benchmarks/RESULTS.md ("Imitating the expert") to compare the policy trained on the
expert's demos with the one trained on the human demos. Needs numpy, h5py and torch.
"""
import argparse
import os
import sys

import h5py
import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "ref"))
from torch_load_ckpt import attr, build, sample_chunk, unscale  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("checkpoint")
    ap.add_argument("windows")
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--ta", type=int, default=8)
    ap.add_argument("--flow-steps", type=int, default=10)
    a = ap.parse_args()
    torch.set_num_threads(1)
    with h5py.File(a.checkpoint, "r") as f, h5py.File(a.windows, "r") as w:
        model = build(f, "ema" if "ema" in f else "params")
        kind, te, nf, H = attr(f, "policy_kind"), attr(f, "time_embed"), int(attr(f, "n_freq")), int(attr(f, "horizon"))
        amin, amax = np.asarray(f["norm/action_min"]), np.asarray(f["norm/action_max"])
        obs, act = np.asarray(w["obs"], dtype=np.float32), np.asarray(w["action"], dtype=np.float32)
    rng = np.random.default_rng(0)
    idx = rng.choice(len(obs), min(a.n, len(obs)), replace=False)
    o = torch.from_numpy(obs[idx])
    samples = []
    for seed in range(3):
        a0 = torch.randn(len(idx), H * 2, generator=torch.Generator().manual_seed(seed))
        x = sample_chunk(model, kind, o, a0, a.flow_steps, te, nf)
        samples.append(unscale(x.numpy().reshape(len(idx), H, 2), amin, amax))
    target = unscale(act[idx].reshape(len(idx), H, 2), amin, amax)
    ex = slice(1, 1 + a.ta)
    err = np.stack([np.linalg.norm(s[:, ex] - target[:, ex], axis=2) for s in samples])
    spread = np.linalg.norm(samples[0][:, ex] - samples[1][:, ex], axis=2)
    print(f"{a.checkpoint}: {kind} policy, {len(idx)} windows of {a.windows}")
    print(f"  sampled vs recorded, executed actions 1..{a.ta}: median {np.median(err):.1f} px, "
          f"90th percentile {np.percentile(err, 90):.1f} px; first executed action median {np.median(err[:, :, 0]):.1f} px")
    print(f"  two samples of the same window: median {np.median(spread):.1f} px apart")


if __name__ == "__main__":
    main()
