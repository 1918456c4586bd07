#!/usr/bin/env python3
"""make bench's report: from one run's raw records (fio's JSON and
p2pcost's samples, one directory per kernel), write figures.csv (every
figure), summary.md (the ratios that matter) and PNG plots into the run
directory, and print summary.md.

    report.py <run-dir>     (<run-dir>/series, and <run-dir>/upstream
                             unless the run had no baseline)
"""
import csv
import json
import os
import statistics
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

KERNELS = [("series", "this series (6.1)"), ("upstream", "upstream design (6.12)")]

# Targets from the benchmarks issue: (figure, comparison, bound).
COST_TARGETS = {
    "fault-in P2P/anon": ("<=", 0.05),
    "exit 1000 mappings P2P/anon": ("<=", 0.45),
    "unbind 100 mappings/none": ("<=", 1.10),
}


def load_fio(kdir):
    with open(os.path.join(kdir, "fio.json")) as f:
        results = {j["jobname"]: j for j in json.load(f)["jobs"]}
    rows = []
    with open(os.path.join(kdir, "jobs.csv")) as f:
        for job in csv.DictReader(f):
            res = results[job["name"]]
            side = res["read"] if res["read"]["io_bytes"] else res["write"]
            rows.append({
                "scenario": job["scenario"],
                "engine": job["engine"],
                "qd": int(job["qd"]),
                "buffer": job["buffer"],
                "target": job["target"],
                "mib_s": side["bw"] / 1024.0,
                "iops": side["iops"],
                "clat_us": side["clat_ns"]["mean"] / 1000.0,
            })
    return rows


def load_costs(kdir):
    with open(os.path.join(kdir, "costs.json")) as f:
        raw = json.load(f)
    med = {k: (statistics.median(v) if isinstance(v, list) else v) for k, v in raw.items()}
    med["fault-in P2P/anon"] = med["fault_in_us_per_mib_p2p"] / med["fault_in_us_per_mib_anon"]
    med["fault-in by store P2P/anon"] = (med["store_fault_in_us_per_mib_p2p"]
                                         / med["store_fault_in_us_per_mib_anon"])
    med["exit 1000 mappings P2P/anon"] = (med["exit_1000_mappings_us_p2p"]
                                          / med["exit_1000_mappings_us_anon"])
    med["exit 1000 mappings P2P/shared anon"] = (med["exit_1000_mappings_us_p2p"]
                                                 / med["exit_1000_mappings_us_shared_anon"])
    med["unbind 100 mappings/none"] = (med["unbind_us_100_mappings"]
                                       / med["unbind_us_no_mappings"])
    return raw, med


def fmt(v):
    if v is None:
        return "-"
    if abs(v) >= 100:
        return "%.0f" % v
    if abs(v) >= 1:
        return "%.2f" % v
    return "%.3f" % v


def ratio(a, b):
    return a / b if a is not None and b else None


def main(run):
    kernels = [(k, label) for k, label in KERNELS if os.path.isdir(os.path.join(run, k))]
    fio = {k: load_fio(os.path.join(run, k)) for k, _ in kernels}
    costs = {k: load_costs(os.path.join(run, k)) for k, _ in kernels}
    uname = {k: open(os.path.join(run, k, "kernel")).read().strip() for k, _ in kernels}
    have_base = "upstream" in costs

    with open(os.path.join(run, "figures.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["kernel", "kind", "figure", "value"])
        for k, _ in kernels:
            for name, samples in costs[k][0].items():
                for s in samples if isinstance(samples, list) else [samples]:
                    w.writerow([k, "cost-sample", name, s])
            for name, v in costs[k][1].items():
                w.writerow([k, "cost-median", name, "%.6g" % v])
            for r in fio[k]:
                job = "%s %s qd%d %s %s" % (r["scenario"], r["engine"], r["qd"],
                                            r["buffer"], r["target"])
                for fig in ("mib_s", "iops", "clat_us"):
                    w.writerow([k, "fio-" + fig, job, "%.6g" % r[fig]])

    def bw(k, scenario, engine, qd, buffer, target):
        for r in fio.get(k, []):
            if (r["scenario"], r["engine"], r["qd"], r["buffer"], r["target"]) == \
                    (scenario, engine, qd, buffer, target):
                return r["mib_s"]
        return None

    md = []
    md.append("# make bench: %s" % os.path.basename(os.path.normpath(run)))
    md.append("")
    for k, label in kernels:
        md.append("- %s: `%s`" % (label, uname[k]))
    md.append("")
    md.append("## Mapping costs (medians)")
    md.append("")
    md.append("| figure | series | upstream | series/upstream | target |")
    md.append("| --- | ---: | ---: | ---: | --- |")
    rows = [
        ("fault-in P2P, us/MiB", "fault_in_us_per_mib_p2p"),
        ("fault-in anonymous, us/MiB", "fault_in_us_per_mib_anon"),
        ("fault-in P2P/anon", "fault-in P2P/anon"),
        ("fault-in P2P straight after a free, us/MiB", "fault_in_after_free_us_per_mib_p2p"),
        ("fault-in P2P, first buffer after the bind, us/MiB",
         "fault_in_first_after_bind_us_per_mib_p2p"),
        ("fault-in by store (no I/O) P2P, us/MiB", "store_fault_in_us_per_mib_p2p"),
        ("fault-in by store (no I/O) anonymous, us/MiB", "store_fault_in_us_per_mib_anon"),
        ("fault-in by store P2P/anon", "fault-in by store P2P/anon"),
        ("exit, 1000 P2P mappings, us", "exit_1000_mappings_us_p2p"),
        ("exit, 1000 anonymous mappings, us", "exit_1000_mappings_us_anon"),
        ("exit, 1000 shared anonymous mappings, us", "exit_1000_mappings_us_shared_anon"),
        ("exit 1000 mappings P2P/anon", "exit 1000 mappings P2P/anon"),
        ("exit 1000 mappings P2P/shared anon", "exit 1000 mappings P2P/shared anon"),
        ("unbind, no mappings, us", "unbind_us_no_mappings"),
        ("unbind, 100 live mappings, us", "unbind_us_100_mappings"),
        ("unbind 100 mappings/none", "unbind 100 mappings/none"),
        ("pool whole after exit (16 MiB used), us", "available_whole_after_exit_us"),
        ("mmap() of 64 MiB P2P, us", "mmap_64mib_us_p2p"),
        ("mmap() of 64 MiB anonymous, us", "mmap_64mib_us_anon"),
        ("page tables, 64 MiB P2P faulted in, KiB", "page_tables_64mib_kib_p2p"),
        ("page tables, 64 MiB anonymous faulted in, KiB", "page_tables_64mib_kib_anon"),
    ]
    for label, key in rows:
        s = costs["series"][1][key]
        u = costs["upstream"][1][key] if have_base else None
        target = ""
        if key in COST_TARGETS:
            op, bound = COST_TARGETS[key]
            met = s <= bound
            target = "%s %s: %s" % (op, bound, "met" if met else "NOT met")
            if have_base and key != "unbind 100 mappings/none":
                target += ", %s upstream" % ("below" if s < u else "NOT below")
        md.append("| %s | %s | %s | %s | %s |" % (label, fmt(s), fmt(u), fmt(ratio(s, u)), target))
    md.append("")

    scenarios = sorted({r["scenario"] for r in fio["series"]})
    engines = ["io_uring", "libaio"]
    for target, title in (("own", "the provider's own drive"), ("switch", "across the switch")):
        md.append("## fio, %s: MiB/s and P2P/host" % title)
        md.append("")
        md.append("| scenario | engine | qd | series host | series P2P | P2P/host |"
                  " upstream host | upstream P2P | P2P/host | P2P series/upstream |")
        md.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for sc in scenarios:
            for e in engines:
                for qd in (1, 32):
                    sh, sp = bw("series", sc, e, qd, "host", target), bw("series", sc, e, qd, "p2p", target)
                    uh, up = bw("upstream", sc, e, qd, "host", target), bw("upstream", sc, e, qd, "p2p", target)
                    if sh is None:
                        continue
                    md.append("| %s | %s | %d | %s | %s | %s | %s | %s | %s | %s |" % (
                        sc, e, qd, fmt(sh), fmt(sp), fmt(ratio(sp, sh)),
                        fmt(uh), fmt(up), fmt(ratio(up, uh)), fmt(ratio(sp, up))))
        own = [ratio(bw("series", sc, e, qd, "p2p", target), bw("series", sc, e, qd, "host", target))
               for sc in scenarios for e in engines for qd in (1, 32)]
        own = [x for x in own if x is not None]
        if own:
            md.append("")
            line = "P2P/host over these %d jobs: geometric mean %s, lowest %s" % (
                len(own), fmt(statistics.geometric_mean(own)), fmt(min(own)))
            if target == "own":
                line += " (target >= 1.0: %s)" % ("met" if min(own) >= 1.0 else "NOT met by every job")
            md.append(line + ".")
        md.append("")
    chardev = [r for r in fio["series"] if r["buffer"] == "p2p-chardev"]
    if chardev:
        md.append("## fio with the buffer mapped from the NVMe char device (this series only)")
        md.append("")
        md.append("| scenario | engine | qd | MiB/s | sysfs P2P MiB/s |")
        md.append("| --- | --- | ---: | ---: | ---: |")
        for r in chardev:
            md.append("| %s | %s | %d | %s | %s |" % (
                r["scenario"], r["engine"], r["qd"], fmt(r["mib_s"]),
                fmt(bw("series", r["scenario"], r["engine"], r["qd"], "p2p", r["target"]))))
        md.append("")
    text = "\n".join(md)
    with open(os.path.join(run, "summary.md"), "w") as f:
        f.write(text)
    plot_fio(run, fio, kernels, scenarios)
    plot_costs(run, costs, kernels)
    print(text)


def plot_fio(run, fio, kernels, scenarios):
    combos = [(e, qd) for e in ("io_uring", "libaio") for qd in (1, 32)]
    for target, title in (("own", "provider's own drive"), ("switch", "across the switch")):
        fig, axes = plt.subplots(1, len(scenarios), figsize=(3.2 * len(scenarios), 4), sharey=False)
        for ax, sc in zip(axes, scenarios):
            bars = [(k, b) for k, _ in kernels for b in ("host", "p2p")]
            width = 0.8 / len(bars)
            for i, (k, b) in enumerate(bars):
                vals = []
                for e, qd in combos:
                    v = [r["mib_s"] for r in fio[k] if (r["scenario"], r["engine"], r["qd"],
                                                        r["buffer"], r["target"]) == (sc, e, qd, b, target)]
                    vals.append(v[0] if v else 0)
                ax.bar([x + i * width for x in range(len(combos))], vals, width,
                       label="%s %s" % (k, b))
            ax.set_title(sc, fontsize=9)
            ax.set_xticks([x + 0.4 - width / 2 for x in range(len(combos))])
            ax.set_xticklabels(["%s\nqd%d" % (e.replace("io_uring", "uring"), qd) for e, qd in combos],
                               fontsize=7)
            ax.tick_params(axis="y", labelsize=7)
        axes[0].set_ylabel("MiB/s")
        axes[-1].legend(fontsize=7)
        fig.suptitle("fio throughput, %s (QEMU TCG)" % title, fontsize=10)
        fig.tight_layout()
        fig.savefig(os.path.join(run, "fio-%s.png" % target), dpi=90)
        plt.close(fig)


def plot_costs(run, costs, kernels):
    figs = [("fault-in P2P/anon", "fault-in\nP2P/anon"),
            ("fault-in by store P2P/anon", "fault-in by store\nP2P/anon"),
            ("exit 1000 mappings P2P/anon", "exit 1000 maps\nP2P/anon"),
            ("unbind 100 mappings/none", "unbind\n100 maps/none")]
    fig, ax = plt.subplots(figsize=(6, 3.5))
    width = 0.8 / len(kernels)
    for i, (k, label) in enumerate(kernels):
        ax.bar([x + i * width for x in range(len(figs))], [costs[k][1][f] for f, _ in figs],
               width, label=label)
    ax.set_xticks([x + 0.4 - width / 2 for x in range(len(figs))])
    ax.set_xticklabels([t for _, t in figs], fontsize=8)
    ax.set_ylabel("ratio (lower is better)")
    ax.legend(fontsize=8)
    ax.set_title("Mapping costs, ratios within one boot (QEMU TCG)", fontsize=10)
    fig.tight_layout()
    fig.savefig(os.path.join(run, "costs.png"), dpi=90)
    plt.close(fig)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
