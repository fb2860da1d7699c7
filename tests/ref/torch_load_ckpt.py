#!/usr/bin/python3
"""torch_load_ckpt.py: a flowchunk checkpoint loads into the equivalent PyTorch nn.Sequential.

Reads CHECKPOINT.h5 with h5py ALONE (no flowchunk code): the attributes give the architecture,
/params/net.<i>.weight|bias (or /ema/... when the C side used the EMA) load with
load_state_dict(strict=True) into

    module.net = nn.Sequential(Linear(in, h), Act(), ..., Linear(h, H*2))

(PyTorch names and (out, in) shapes, so nothing is transposed or renamed), /norm/* scale the
observations to [-1,1] and un-scale the actions (Diffusion Policy's LinearNormalizer, "limits").
Then it samples like flowchunk's policy_sample_explicit (DESIGN.md "Model and objective"): A = a0,
for k in 0..K-1: tau = k/K, A += (1/K) * net([obs, A, time(tau)]) (flow; MSE: one net(obs)), and
compares the un-scaled chunks with the ones eval_torch_io computed in C for the same observations
and noise (IO.h5), and the executed entry action_offset with the first action of the rollout
engine in the same episodes.

    /usr/bin/python3 tests/ref/torch_load_ckpt.py CHECKPOINT.h5 IO.h5 [CHECKPOINT.h5 IO.h5 ...] [--tol PX]

Exit 0 when every action agrees within --tol pixels (default 1e-3), 1 otherwise, 77 when torch or
h5py cannot be imported (CI has no Python stack).
"""
import argparse
import math
import sys

try:
    import h5py
    import numpy as np
    import torch
    import torch.nn as nn
except ImportError as e:  # pragma: no cover
    print(f"skipped: {e} (the PyTorch proof needs /usr/bin/python3 with torch, h5py, numpy)", file=sys.stderr)
    sys.exit(77)

ACTS = {"relu": nn.ReLU, "silu": nn.SiLU, "mish": nn.Mish, "gelu": nn.GELU}


def attr(f, name):
    v = f.attrs[name]
    if isinstance(v, bytes):
        return v.decode()
    if isinstance(v, np.ndarray) and v.shape == (1,):
        v = v[0]
    return v.item() if hasattr(v, "item") else v


def build(f, group):
    """nn.Sequential from the checkpoint: Linear modules at even indices, activations between."""
    act = ACTS[attr(f, "activation")]
    names = sorted(f[group].keys(), key=lambda n: (int(n.split(".")[1]), n))
    idx = sorted({int(n.split(".")[1]) for n in names})
    assert idx == list(range(0, 2 * len(idx), 2)), f"Linear layers must sit at even indices, got {idx}"
    layers = []
    for j, i in enumerate(idx):
        w = f[f"{group}/net.{i}.weight"]
        layers.append(nn.Linear(w.shape[1], w.shape[0]))
        if j + 1 < len(idx):
            layers.append(act())
    m = nn.Module()
    m.net = nn.Sequential(*layers)
    state = {f"net.{n.split('.', 1)[1]}": torch.from_numpy(np.asarray(f[f"{group}/{n}"], dtype=np.float32))
             for n in names}
    m.load_state_dict(state, strict=True)  # the names and shapes ARE PyTorch's
    return m


def time_features(tau, kind, n_freq):
    """raw: [tau]; sinusoidal: pi0's create_sinusoidal_pos_embedding, periods 4e-3 .. 4,
    [sin(tau w_k) for k < n/2] then [cos(tau w_k)]."""
    if kind == "raw":
        return tau[:, None]
    half = n_freq // 2
    w = torch.tensor([2.0 * math.pi / (4e-3 * (4.0 / 4e-3) ** (k / (half - 1))) for k in range(half)],
                     dtype=torch.float64).to(torch.float32)
    arg = tau[:, None] * w[None, :]
    return torch.cat([torch.sin(arg), torch.cos(arg)], dim=1)


def scale(x, lo, hi):
    r = hi - lo
    return np.where(r < 1e-4, 0.0, 2.0 * (x - lo) / np.where(r < 1e-4, 1.0, r) - 1.0).astype(np.float32)


def unscale(y, lo, hi):
    r = hi - lo
    return np.where(r < 1e-4, lo, (y + 1.0) * 0.5 * r + lo).astype(np.float32)


def sample_chunk(model, kind, obs, a0, K, time_embed, n_freq):
    """the scaled chunks for scaled observations obs (B, To*fd): MSE one net(obs); flow K Euler
    steps from the noise a0 (B, H*2), A += (1/K) net([obs, A, time(k/K)])"""
    with torch.no_grad():
        if kind == "mse":
            return model.net(obs)
        B = obs.shape[0]
        chunk = a0
        dt = np.float32(1.0) / np.float32(K)
        for k in range(K):
            tau = torch.full((B,), np.float32(k) / np.float32(K), dtype=torch.float32)
            v = model.net(torch.cat([obs, chunk, time_features(tau, time_embed, n_freq)], dim=1))
            chunk = chunk + float(dt) * v
        return chunk


def check(checkpoint, io_path, tol):
    """one checkpoint against the C side's IO file; True when they agree"""
    with h5py.File(checkpoint, "r") as f, h5py.File(io_path, "r") as io:
        assert attr(f, "format") == "flowchunk-checkpoint", "not a flowchunk checkpoint"
        weights = attr(io, "weights")
        group = "ema" if weights == "ema" else "params"
        model = build(f, group)
        kind, time_embed, act_name = attr(f, "policy_kind"), attr(f, "time_embed"), attr(f, "activation")
        n_freq, H, To = int(attr(f, "n_freq")), int(attr(f, "horizon")), int(attr(f, "obs_steps"))
        K, offset = int(attr(io, "flow_steps")), int(attr(io, "action_offset"))
        omin, omax = np.asarray(f["norm/obs_min"]), np.asarray(f["norm/obs_max"])
        amin, amax = np.asarray(f["norm/action_min"]), np.asarray(f["norm/action_max"])
        obs_raw, a0 = np.asarray(io["obs_raw"]), np.asarray(io["a0"])
        c_actions, engine = np.asarray(io["actions"]), np.asarray(io["engine_action"])
    B = obs_raw.shape[0]
    fd = omin.shape[0]

    obs = torch.from_numpy(scale(obs_raw.reshape(B, To, fd), omin, omax).reshape(B, To * fd))
    chunk = sample_chunk(model, kind, obs, torch.from_numpy(a0.copy()), K, time_embed, n_freq)
    t_actions = unscale(chunk.numpy().reshape(B, H, 2), amin, amax)

    err = float(np.max(np.abs(t_actions - c_actions)))
    eng = float(np.max(np.abs(t_actions[:, offset, :].astype(np.float64) - engine)))
    n_params = sum(p.numel() for p in model.parameters())
    layers = " ".join(str(model.net).split())
    print(f"torch_load_ckpt: {kind} policy, {time_embed} time, {act_name}, {n_params} parameters (/{group}): "
          f"{layers}")
    print(f"torch_load_ckpt: {B} samples x {H} actions, {K} Euler steps: max |torch - flowchunk| = {err:.3g} px; "
          f"rollout engine's first action (entry {offset}) vs torch: {eng:.3g} px (tolerance {tol} px)")
    ok = err <= tol and eng <= tol
    print("torch_load_ckpt: " + ("OK" if ok else "MISMATCH"))
    return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="+", help="CHECKPOINT.h5 IO.h5 pairs")
    ap.add_argument("--tol", type=float, default=1e-3)
    a = ap.parse_args()
    if len(a.files) % 2:
        ap.error("expected CHECKPOINT.h5 IO.h5 pairs")
    torch.set_num_threads(1)
    ok = True
    for ckpt, io_path in zip(a.files[0::2], a.files[1::2]):
        print(f"== {ckpt}")
        ok = check(ckpt, io_path, a.tol) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
