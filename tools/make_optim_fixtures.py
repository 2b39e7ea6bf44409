#!/usr/bin/env python3
"""Writes test/fixtures/optim.json: parameter trajectories of every optimizer and the learning
rate per step of every scheduler, from PyTorch.

Run with PyTorch 2.x from the local wheel mirror (python3 -m venv .venv && .venv/bin/pip install
torch==2.13.0+cpu; .venv/bin/python tools/make_optim_fixtures.py): LBFGS's strong-Wolfe search
bounds its iterations by the evaluations left since 2.x, which Debian's 1.13 does not.
The problem: w [3, 4] and b [4] fit tanh(x·w + b) to y by mean squared error, 6 steps.
"""
import inspect
import json
import os
import torch
import torch.optim as optim
from torch.optim import lr_scheduler as S

# NAdam: torch 1.13 multiplied mu into mu_product_next twice; PyTorch 2.x fixed it to
# mu_product * mu_next, which is what tensorgrad implements. Patch the 1.13 function to the fix.
if torch.__version__.startswith("1."):
    import torch.optim.nadam as nadam_module

    src = inspect.getsource(nadam_module._single_tensor_nadam)
    fixed = src.replace("mu_product_next = mu_product * mu * mu_next", "mu_product_next = mu_product * mu_next")
    assert fixed != src, "the NAdam line to patch was not found"
    exec(compile(fixed, nadam_module.__file__, "exec"), nadam_module.__dict__)

torch.manual_seed(0)
X = torch.randn(5, 3)
Y = torch.randn(5, 4)
W0 = torch.randn(3, 4)
B0 = torch.randn(4)
STEPS = 6


def loss_fn(w, b):
    return ((X @ w + b).tanh() - Y).pow(2).mean()


OPTIMIZERS = {
    "sgd": (optim.SGD, dict(lr=0.1)),
    "sgd_momentum": (optim.SGD, dict(lr=0.1, momentum=0.9)),
    "sgd_momentum_dampening_wd": (optim.SGD, dict(lr=0.1, momentum=0.8, dampening=0.3, weight_decay=0.05)),
    "sgd_nesterov_wd": (optim.SGD, dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)),
    "sgd_maximize": (optim.SGD, dict(lr=0.01, momentum=0.5, maximize=True)),
    "adam": (optim.Adam, dict(lr=0.05)),
    "adam_wd": (optim.Adam, dict(lr=0.05, betas=(0.8, 0.99), weight_decay=0.1)),
    "adam_amsgrad": (optim.Adam, dict(lr=0.05, amsgrad=True)),
    "adam_maximize": (optim.Adam, dict(lr=0.01, maximize=True)),
    "adamw": (optim.AdamW, dict(lr=0.05)),
    "adamw_amsgrad_wd": (optim.AdamW, dict(lr=0.05, weight_decay=0.3, amsgrad=True)),
    "rmsprop": (optim.RMSprop, dict(lr=0.01)),
    "rmsprop_centered_momentum_wd": (optim.RMSprop, dict(lr=0.01, alpha=0.9, momentum=0.5, centered=True, weight_decay=0.1)),
    "adagrad": (optim.Adagrad, dict(lr=0.1)),
    "adagrad_decay_wd_init": (optim.Adagrad, dict(lr=0.1, lr_decay=0.1, weight_decay=0.05, initial_accumulator_value=0.2)),
    "adadelta": (optim.Adadelta, dict(lr=1.0)),
    "adadelta_wd": (optim.Adadelta, dict(lr=0.5, rho=0.8, weight_decay=0.1)),
    "adamax": (optim.Adamax, dict(lr=0.05)),
    "adamax_wd": (optim.Adamax, dict(lr=0.05, betas=(0.8, 0.9), weight_decay=0.1)),
    "nadam": (optim.NAdam, dict(lr=0.05)),
    "nadam_wd": (optim.NAdam, dict(lr=0.05, weight_decay=0.1, momentum_decay=0.01)),
    "radam": (optim.RAdam, dict(lr=0.05)),
    "radam_wd": (optim.RAdam, dict(lr=0.05, betas=(0.5, 0.6), weight_decay=0.1)),
    "rprop": (optim.Rprop, dict(lr=0.05)),
    "rprop_etas_steps": (optim.Rprop, dict(lr=0.1, etas=(0.3, 1.5), step_sizes=(0.01, 0.2))),
    "asgd": (optim.ASGD, dict(lr=0.1)),
    "asgd_wd_t0": (optim.ASGD, dict(lr=0.1, lambd=0.01, alpha=0.5, t0=2, weight_decay=0.1)),
    "adafactor": (optim.Adafactor, dict(lr=0.05)),
    "adafactor_wd_clip_maximize": (optim.Adafactor, dict(lr=0.03, beta2_decay=-0.5, eps=(1e-20, 1e-2), d=1.5, weight_decay=0.1, maximize=True)),
}


def newton_schulz_float32(grad, ns_coefficients, ns_steps, eps):
    """PyTorch's _zeropower_via_newtonschulz in float32 instead of bfloat16 (which tensorgrad does not have)."""
    a, b, c = ns_coefficients
    x = grad.float()
    if grad.size(0) > grad.size(1):
        x = x.T
    x = x / x.norm().clamp(min=eps)
    for _ in range(ns_steps):
        gram = x @ x.T
        x = torch.addmm(x, torch.addmm(gram, gram, gram, beta=b, alpha=c), x, beta=a)
    return x.T if grad.size(0) > grad.size(1) else x


# Muon takes 2-D parameters only: w is optimised, b stays.
MATRIX_OPTIMIZERS = {
    "muon": dict(lr=0.05),
    "muon_plain_momentum_adamw_lr": dict(lr=0.02, momentum=0.8, nesterov=False, weight_decay=0.05, adjust_lr_fn="match_rms_adamw"),
}


def trajectory(make):
    w = W0.clone().requires_grad_()
    b = B0.clone().requires_grad_()
    opt = make(w, b)
    out = [[w.detach().flatten().tolist(), b.detach().flatten().tolist()]]
    for _ in range(STEPS):
        opt.zero_grad()
        loss_fn(w, b).backward()
        opt.step()
        out.append([w.detach().flatten().tolist(), b.detach().flatten().tolist()])
    return out


def matrix_trajectories():
    import torch.optim._muon as muon_module

    original = muon_module._zeropower_via_newtonschulz
    muon_module._zeropower_via_newtonschulz = newton_schulz_float32
    try:
        return {name: trajectory(lambda w, b: optim.Muon([w], **kw)) for name, kw in MATRIX_OPTIMIZERS.items()}
    finally:
        muon_module._zeropower_via_newtonschulz = original


def lr_trace(make_opt, make_sched, steps=15, metrics=None):
    p = torch.zeros(1, requires_grad=True)
    opt = make_opt([p])
    sched = make_sched(opt)
    lrs = [[g["lr"] for g in opt.param_groups]]
    moms = [[g.get("momentum", g.get("betas", (None,))[0]) for g in opt.param_groups]]
    for i in range(steps):
        opt.step()
        if metrics is not None:
            sched.step(metrics[i])
        else:
            sched.step()
        lrs.append([g["lr"] for g in opt.param_groups])
        moms.append([g.get("momentum", g.get("betas", (None,))[0]) for g in opt.param_groups])
    return {"lr": lrs, "momentum": moms}


sgd = lambda ps: optim.SGD(ps, lr=0.1)
PLATEAU_METRICS = [1.0, 0.9, 0.91, 0.92, 0.93, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6]
SCHEDULERS = {
    "step_lr": lr_trace(sgd, lambda o: S.StepLR(o, step_size=3, gamma=0.5)),
    "multistep_lr": lr_trace(sgd, lambda o: S.MultiStepLR(o, milestones=[2, 5, 9], gamma=0.3)),
    "exponential_lr": lr_trace(sgd, lambda o: S.ExponentialLR(o, gamma=0.9)),
    "cosine_annealing": lr_trace(sgd, lambda o: S.CosineAnnealingLR(o, T_max=10, eta_min=0.01)),
    "warm_restarts": lr_trace(sgd, lambda o: S.CosineAnnealingWarmRestarts(o, T_0=4)),
    "warm_restarts_mult": lr_trace(sgd, lambda o: S.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.001)),
    "linear_lr": lr_trace(sgd, lambda o: S.LinearLR(o, start_factor=0.25, end_factor=1.0, total_iters=4)),
    "lambda_lr": lr_trace(sgd, lambda o: S.LambdaLR(o, lambda e: 0.95 ** e + 0.01 * e)),
    "one_cycle": lr_trace(lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9), lambda o: S.OneCycleLR(o, max_lr=1.0, total_steps=16)),
    "one_cycle_three_phase_linear_adam": lr_trace(
        lambda ps: optim.Adam(ps, lr=0.1),
        lambda o: S.OneCycleLR(o, max_lr=0.5, total_steps=16, pct_start=0.25, anneal_strategy="linear", three_phase=True, div_factor=10, final_div_factor=100),
    ),
    "sequential": lr_trace(sgd, lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.1, total_iters=3), S.ExponentialLR(o, gamma=0.9)], milestones=[3])),
    "plateau": lr_trace(sgd, lambda o: S.ReduceLROnPlateau(o, factor=0.5, patience=2, cooldown=1, min_lr=0.01), metrics=PLATEAU_METRICS),
    "constant_lr": lr_trace(sgd, lambda o: S.ConstantLR(o, factor=0.25, total_iters=4)),
    "polynomial_lr": lr_trace(sgd, lambda o: S.PolynomialLR(o, total_iters=10, power=2.0)),
    "multiplicative_lr": lr_trace(sgd, lambda o: S.MultiplicativeLR(o, lambda e: 0.9 if e % 2 else 0.99)),
    "cyclic_triangular2_momentum": lr_trace(
        lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9), lambda o: S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=3, step_size_down=2, mode="triangular2")
    ),
    "chained_constant_exponential": lr_trace(sgd, lambda o: S.ChainedScheduler([S.ConstantLR(o, factor=0.1, total_iters=2), S.ExponentialLR(o, gamma=0.9)])),
    "chained_linear_step": lr_trace(sgd, lambda o: S.ChainedScheduler([S.LinearLR(o, start_factor=0.5, total_iters=3), S.StepLR(o, step_size=2, gamma=0.5)])),
    "cyclic_exp_range": lr_trace(
        lambda ps: optim.SGD(ps, lr=0.1), lambda o: S.CyclicLR(o, base_lr=0.02, max_lr=0.2, step_size_up=4, mode="exp_range", gamma=0.9, cycle_momentum=False)
    ),
}

# step(closure) optimizers: a few steps, each running several inner iterations through the closure.
CLOSURE_OPTIMIZERS = {
    "lbfgs": (optim.LBFGS, dict(lr=1, max_iter=5)),
    "lbfgs_history_tolerance": (optim.LBFGS, dict(lr=0.5, max_iter=7, history_size=3, tolerance_change=1e-5)),
    "lbfgs_strong_wolfe": (optim.LBFGS, dict(lr=1, max_iter=6, line_search_fn="strong_wolfe")),
}
SCHEDULERS["swalr_cos"] = lr_trace(sgd, lambda o: optim.swa_utils.SWALR(o, swa_lr=0.03, anneal_epochs=5))
SCHEDULERS["swalr_linear_instant"] = lr_trace(sgd, lambda o: optim.swa_utils.SWALR(o, swa_lr=0.02, anneal_epochs=0, anneal_strategy="linear"))


def closure_trajectory(make, steps=4):
    """In float64: L-BFGS's steps on this problem grow large, where float32 rounding would decide the trajectory."""
    w = W0.double().requires_grad_()
    b = B0.double().requires_grad_()
    opt = make(w, b)

    def closure():
        opt.zero_grad()
        loss = (X.double() @ w + b).tanh().sub(Y.double()).pow(2).mean()
        loss.backward()
        return loss

    out = [[w.detach().flatten().tolist(), b.detach().flatten().tolist()]]
    for _ in range(steps):
        opt.step(closure)
        out.append([w.detach().flatten().tolist(), b.detach().flatten().tolist()])
    return out


def update_bn_case():
    """swa_utils.update_bn: a BatchNorm's running statistics recomputed over three batches."""
    torch.manual_seed(5)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4))
    batches = [torch.randn(6, 3) for _ in range(3)]
    optim.swa_utils.update_bn([(x, None) for x in batches], model)
    state = {k: v.flatten().tolist() for k, v in model.state_dict().items()}
    return {"batches": [x.flatten().tolist() for x in batches], "state": state}


def main():
    out = {
        "generator": "tools/make_optim_fixtures.py",
        "torch": torch.__version__,
        "problem": {"x": X.flatten().tolist(), "y": Y.flatten().tolist(), "w0": W0.flatten().tolist(), "b0": B0.flatten().tolist()},
        "optimizers": {name: trajectory(lambda w, b: cls([w, b], **kw)) for name, (cls, kw) in OPTIMIZERS.items()},
        "matrixOptimizers": matrix_trajectories(),
        "groups": trajectory(lambda w, b: optim.SGD([{"params": [w], "lr": 0.1}, {"params": [b], "momentum": 0.5}], lr=0.01)),
        "closureOptimizers": {name: closure_trajectory(lambda w, b: cls([w, b], **kw)) for name, (cls, kw) in CLOSURE_OPTIMIZERS.items()},
        "updateBn": update_bn_case(),
        "schedulers": SCHEDULERS,
        "plateauMetrics": PLATEAU_METRICS,
    }
    path = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "optim.json")
    with open(path, "w") as f:
        json.dump(out, f)
        f.write("\n")
    print(f"wrote {len(OPTIMIZERS)} optimizer and {len(SCHEDULERS)} scheduler cases to {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
