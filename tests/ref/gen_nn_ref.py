#!/usr/bin/python3
"""gen_nn_ref.py: PyTorch reference for flowchunk's MLP, policies and optimisers (llm.c style).

Builds the same nn.Sequential (or residual MLP, the last case) as src/mlp.c with PyTorch's own init, feeds explicit inputs
(obs, expert chunk A1, noise A0, time tau) and writes tests/fixtures/nn_ref.bin with the weights,
the net output, the loss, every gradient, 10 AdamW steps (losses, learning rates, final weights,
EMA weights) and 10 SGD-with-momentum steps with gradient clipping. tests/nn_ref.c compares.

Run (CPU, float32, torch 1.13):  /usr/bin/python3 tests/ref/gen_nn_ref.py [-o tests/fixtures/nn_ref.bin]

File format (little endian): magic b"FCNNREF1", uint32 version (1), uint32 record count, then
records: uint32 name length, name bytes (ASCII), uint32 ndim, uint32 dims[ndim], float32 data.
Scalars are 1-D records of length 1. Each case's records are prefixed "<case>/".
"""
import argparse
import math
import struct

import torch
import torch.nn as nn

torch.set_num_threads(1)
torch.manual_seed(1234)

KINDS = {"flow": 0, "mse": 1}
TIMES = {"raw": 0, "sinusoidal": 1}
ACTS = {"relu": (0, nn.ReLU), "silu": (1, nn.SiLU), "mish": (2, nn.Mish), "gelu": (3, nn.GELU)}

# (name, kind, time embedding, activation[, architecture]); small dims so the fixture stays small.
# New cases go at the end: the torch RNG is consumed case by case, so earlier records stay the same.
CASES = [
    ("flow_relu_raw", "flow", "raw", "relu"),
    ("flow_silu_sin", "flow", "sinusoidal", "silu"),
    ("flow_mish_sin", "flow", "sinusoidal", "mish"),
    ("flow_gelu_raw", "flow", "raw", "gelu"),
    ("flow_mish_raw", "flow", "raw", "mish"),
    ("mse_mish", "mse", "raw", "mish"),
    ("mse_relu", "mse", "raw", "relu"),
    ("flow_mish_sin_residual", "flow", "sinusoidal", "mish", "residual"),
]
ARCHS = {"plain": 0, "residual": 1}
DEPTH_RESIDUAL = 3  # the input layer, two residual blocks, the output layer
OBS_DIM, HORIZON, ACT_DIM, N_FREQ, HIDDEN, DEPTH, BATCH = 6, 4, 2, 8, 16, 2, 5
CHUNK = HORIZON * ACT_DIM
# optimiser runs: Diffusion Policy's AdamW betas/eps/wd; lr 1e-3 so 10 steps move the loss
ADAM = dict(lr=1e-3, betas=(0.95, 0.999), eps=1e-8, weight_decay=1e-6)
SGD = dict(lr=1e-2, momentum=0.9, weight_decay=1e-4)
WARMUP, TOTAL, STEPS, CLIP = 3, 10, 10, 0.05

records = []


def put(name, t):
    t = torch.as_tensor(t).detach().to(torch.float32).contiguous()
    if t.dim() == 0:
        t = t.reshape(1)
    records.append((name, list(t.shape), t.numpy().tobytes()))


def time_features(tau, time_embed):
    """pi0's create_sinusoidal_pos_embedding on tau in [0,1): periods 4e-3 .. 4."""
    if time_embed == "raw":
        return tau[:, None]
    half = N_FREQ // 2
    w = torch.tensor([2.0 * math.pi / (4e-3 * (4.0 / 4e-3) ** (k / (half - 1))) for k in range(half)],
                     dtype=torch.float64).to(torch.float32)
    arg = tau[:, None] * w[None, :]
    return torch.cat([torch.sin(arg), torch.cos(arg)], dim=1)


class Block(nn.Module):
    """pre-LayerNorm residual block of src/mlp.c: x + act(fc(norm(x)))"""

    def __init__(self, act):
        super().__init__()
        self.norm = nn.LayerNorm(HIDDEN)
        self.fc = nn.Linear(HIDDEN, HIDDEN)
        self.act = ACTS[act][1]()

    def forward(self, x):
        return x + self.act(self.fc(self.norm(x)))


class ResidualNet(nn.Module):
    """MLP_RESIDUAL: act(inp(x)), depth-1 blocks, out(norm_out(x))"""

    def __init__(self, in_dim, act):
        super().__init__()
        self.inp = nn.Linear(in_dim, HIDDEN)
        self.act = ACTS[act][1]()
        self.blocks = nn.ModuleList([Block(act) for _ in range(DEPTH_RESIDUAL - 1)])
        self.norm_out = nn.LayerNorm(HIDDEN)
        self.out = nn.Linear(HIDDEN, CHUNK)

    def forward(self, x):
        x = self.act(self.inp(x))
        for b in self.blocks:
            x = b(x)
        return self.out(self.norm_out(x))


def make_net(in_dim, act, arch="plain"):
    if arch == "residual":  # state_dict names as src/mlp.c: inp.weight, blocks.0.norm.weight, ...
        return ResidualNet(in_dim, act)
    layers, d = [], in_dim
    for _ in range(DEPTH):
        layers += [nn.Linear(d, HIDDEN), ACTS[act][1]()]
        d = HIDDEN
    layers.append(nn.Linear(d, CHUNK))
    m = nn.Module()
    m.net = nn.Sequential(*layers)
    return m


def loss_fn(m, kind, time_embed, obs, a1, a0, tau):
    """flow: A_tau = tau*A1 + (1-tau)*A0, v = net([obs, A_tau, time(tau)]), target A1 - A0;
    mse: v = net(obs), target A1. Returns (v, mean over batch and chunk of (v - target)^2)."""
    if kind == "flow":
        t = tau[:, None]
        atau = t * a1 + (1.0 - t) * a0
        x = torch.cat([obs, atau, time_features(tau, time_embed)], dim=1)
        target = a1 - a0
    else:
        x = obs
        target = a1
    v = m.net(x) if hasattr(m, "net") else m(x)
    return v, ((v - target) ** 2).mean()


def lr_lambda(step):
    """diffusers.optimization.get_cosine_schedule_with_warmup (num_cycles = 0.5)."""
    if step < WARMUP:
        return float(step) / float(max(1, WARMUP))
    progress = float(step - WARMUP) / float(max(1, TOTAL - WARMUP))
    return max(0.0, 0.5 * (1.0 + math.cos(math.pi * 0.5 * 2.0 * progress)))


def ema_decay(step):
    """Diffusion Policy EMAModel.get_decay, update_after_step 0, inv_gamma 1, power 0.75."""
    s = max(0, step - 0 - 1)
    value = 1 - (1 + s / 1.0) ** -0.75
    if s <= 0:
        return 0.0
    return max(0.0, min(value, 0.9999))


def params_of(m):
    return {n: p for n, p in m.named_parameters()}


def run_case(name, kind, time_embed, act, arch="plain"):
    tdim = 0 if kind == "mse" else (1 if time_embed == "raw" else N_FREQ)
    in_dim = OBS_DIM + (CHUNK + tdim if kind == "flow" else 0)
    m = make_net(in_dim, act, arch)
    obs = torch.randn(BATCH, OBS_DIM) * 0.7
    a1 = torch.rand(BATCH, CHUNK) * 2 - 1
    a0 = torch.randn(BATCH, CHUNK)
    tau = torch.rand(BATCH)
    p = f"{name}/"
    config = [KINDS[kind], OBS_DIM, HORIZON, ACT_DIM, TIMES[time_embed], N_FREQ, HIDDEN,
              DEPTH if arch == "plain" else DEPTH_RESIDUAL, ACTS[act][0], BATCH]
    put(p + "config", config + ([ARCHS[arch]] if arch != "plain" else []))
    put(p + "obs", obs); put(p + "act", a1); put(p + "a0", a0); put(p + "tau", tau)
    init = {n: q.detach().clone() for n, q in m.named_parameters()}
    for n, q in init.items():
        put(p + "param/" + n, q)
    # forward + backward of the mean loss (= grad_scale 1/B times d sum_i loss_i)
    v, loss = loss_fn(m, kind, time_embed, obs, a1, a0, tau)
    loss.backward()
    put(p + "v", v)
    put(p + "loss_sum", loss.detach() * BATCH)
    for n, q in m.named_parameters():
        put(p + "grad/" + n, q.grad)

    # 10 AdamW steps with warmup + cosine, EMA after every step
    with torch.no_grad():
        for n, q in m.named_parameters():
            q.copy_(init[n])
    opt = torch.optim.AdamW(m.parameters(), **ADAM)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_lambda)
    ema = {n: q.detach().clone() for n, q in m.named_parameters()}
    losses, lrs = [], []
    for step in range(STEPS):
        opt.zero_grad()
        _, loss = loss_fn(m, kind, time_embed, obs, a1, a0, tau)
        loss.backward()
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
        losses.append(loss.item() * BATCH)
        d = ema_decay(step)
        with torch.no_grad():
            for n, q in m.named_parameters():
                ema[n].mul_(d).add_(q, alpha=1 - d)
    put(p + "adamw/loss_sum", losses)
    put(p + "adamw/lr", lrs)
    for n, q in m.named_parameters():
        put(p + "adamw/param/" + n, q)
        put(p + "adamw/ema/" + n, ema[n])

    # 10 SGD(momentum) steps with clip_grad_norm_ and a constant learning rate
    with torch.no_grad():
        for n, q in m.named_parameters():
            q.copy_(init[n])
    opt = torch.optim.SGD(m.parameters(), **SGD)
    losses, norms = [], []
    for step in range(STEPS):
        opt.zero_grad()
        _, loss = loss_fn(m, kind, time_embed, obs, a1, a0, tau)
        loss.backward()
        norms.append(float(torch.nn.utils.clip_grad_norm_(m.parameters(), CLIP)))
        opt.step()
        losses.append(loss.item() * BATCH)
    put(p + "sgd/loss_sum", losses)
    put(p + "sgd/grad_norm", norms)
    for n, q in m.named_parameters():
        put(p + "sgd/param/" + n, q)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-o", default="tests/fixtures/nn_ref.bin")
    args = ap.parse_args()
    put("hyper/adamw", [ADAM["lr"], ADAM["betas"][0], ADAM["betas"][1], ADAM["eps"], ADAM["weight_decay"],
                        WARMUP, TOTAL, STEPS])
    put("hyper/sgd", [SGD["lr"], SGD["momentum"], SGD["weight_decay"], CLIP, STEPS])
    for c in CASES:
        run_case(*c)
    with open(args.o, "wb") as f:
        f.write(b"FCNNREF1")
        f.write(struct.pack("<II", 1, len(records)))
        for name, shape, data in records:
            nb = name.encode("ascii")
            f.write(struct.pack("<I", len(nb)) + nb)
            f.write(struct.pack("<I", len(shape)) + struct.pack("<%dI" % len(shape), *shape))
            f.write(data)
    print(f"wrote {args.o}: {len(records)} records, cases {[c[0] for c in CASES]}, torch {torch.__version__}")


if __name__ == "__main__":
    main()
