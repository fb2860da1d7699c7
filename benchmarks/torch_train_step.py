#!/usr/bin/python3
"""torch_train_step.py: the PyTorch twin of bench_train_step.c, one thread.

One training step of the flow policy (Push-T dims: obs 2 x 20 keypoint coords = 40, H = 16,
act 2, sinusoidal time features 32, Mish MLP): zero_grad, draw A0 ~ N(0,I) and tau ~ U[0,1),
assemble [obs, A_tau, time(tau)], forward, MSE to A1 - A0, backward, AdamW step (Diffusion
Policy's betas/eps/wd). PyTorch gets its fastest settings: zero_grad(set_to_none=True) and the
faster of the foreach / per-tensor AdamW (measured, reported). Same timing method as the C side:
process CPU time (time.process_time, which also counts any helper thread), median of 5 blocks
after warm-up.

--bf16: mixed precision, torch.autocast("cpu", dtype=torch.bfloat16) around forward + loss (the
Linears then multiply bf16 copies of the weights and activations; backward and AdamW stay outside,
on the fp32 master weights, as PyTorch recommends). PyTorch 1.13 has no bf16 Mish kernel on CPU
("mish_cpu" not implemented for 'BFloat16'), so with --act mish each Mish upcasts: x.float(), Mish
in fp32, back to bf16; the output line says so (impl=torch-bf16 mish=fp32-upcast). The other
activations run in bf16.

    OMP_NUM_THREADS=1 /usr/bin/python3 benchmarks/torch_train_step.py [--config 3x256:128 ...] [--seconds 2] [--bf16]
"""
import argparse
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
OBS, H, ACT, NFREQ = 40, 16, 2, 32
ACTS = {"relu": nn.ReLU, "silu": nn.SiLU, "mish": nn.Mish, "gelu": nn.GELU}


class MishUpcast(nn.Module):
    """Mish in fp32 on a bf16 input, the result back in the input's dtype (no bf16 kernel in 1.13)"""

    def forward(self, x):
        return F.mish(x.float()).to(x.dtype)


class Flow(nn.Module):
    def __init__(self, depth, width, act, bf16=False):
        super().__init__()
        d, layers = OBS + H * ACT + NFREQ, []
        act_mod = MishUpcast if (bf16 and act == "mish") else ACTS[act]
        for _ in range(depth):
            layers += [nn.Linear(d, width), act_mod()]
            d = width
        layers.append(nn.Linear(d, H * ACT))
        self.net = nn.Sequential(*layers)
        half = NFREQ // 2
        w = [2 * math.pi / (4e-3 * (4.0 / 4e-3) ** (k / (half - 1))) for k in range(half)]
        self.register_buffer("freq", torch.tensor(w, dtype=torch.float32))

    def loss(self, obs, a1):
        a0 = torch.randn_like(a1)
        tau = torch.rand(a1.shape[0], 1)
        atau = tau * a1 + (1 - tau) * a0
        arg = tau * self.freq[None, :]
        x = torch.cat([obs, atau, torch.sin(arg), torch.cos(arg)], dim=1)
        return ((self.net(x) - (a1 - a0)) ** 2).mean()


def median_time(fn, seconds):
    for _ in range(10):
        fn()
    t0, n = time.process_time(), 0
    while time.process_time() - t0 < 0.05:
        fn()
        n += 1
    per = (time.process_time() - t0) / n
    iters = int(seconds / 5 / per) + 1
    res = []
    for _ in range(5):
        s = time.process_time()
        for _ in range(iters):
            fn()
        res.append((time.process_time() - s) / iters)
    return sorted(res)[2]


def step_flops(m, B):
    lin = [l for l in m.net if isinstance(l, nn.Linear)]
    return sum(2.0 * B * l.in_features * l.out_features * (2.0 if i == 0 else 3.0) for i, l in enumerate(lin))


def run(depth, width, B, act, seconds, bf16):
    torch.manual_seed(0)
    m = Flow(depth, width, act, bf16)
    obs, a1 = torch.rand(B, OBS) * 2 - 1, torch.rand(B, H * ACT) * 2 - 1
    best = None
    for foreach in (False, True):
        opt = torch.optim.AdamW(m.parameters(), lr=1e-4, betas=(0.95, 0.999), eps=1e-8,
                                weight_decay=1e-6, foreach=foreach)
        out = {}

        def step():
            opt.zero_grad(set_to_none=True)
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                loss = m.loss(obs, a1)
            loss.backward()
            opt.step()
            out["loss"] = loss.item()

        t = median_time(step, seconds)
        if best is None or t < best[0]:
            best = (t, foreach, out["loss"])
    t, foreach, loss = best
    n_params = sum(p.numel() for p in m.parameters())
    fl = step_flops(m, B)
    impl = "torch-bf16 precision=bf16" if bf16 else "torch precision=fp32"
    if bf16 and act == "mish":
        impl += " mish=fp32-upcast"
    print(f"train_step impl={impl} config={depth}x{width} batch={B} act={act} params={n_params} "
          f"ms={1e3 * t:.4f} samples_per_s={B / t:.0f} gflops={fl / t * 1e-9:.2f} "
          f"foreach={int(foreach)} loss={loss:.4f} torch={torch.__version__}", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", action="append", help="DEPTHxWIDTH:BATCH (default 3x256:128, 3x512:256)")
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--act", default="mish", choices=sorted(ACTS))
    ap.add_argument("--bf16", action="store_true", help="bf16 autocast around forward + loss")
    a = ap.parse_args()
    for c in a.config or ["3x256:128", "3x512:256"]:
        dw, b = c.split(":")
        d, w = dw.split("x")
        run(int(d), int(w), int(b), a.act, a.seconds, a.bf16)


if __name__ == "__main__":
    main()
