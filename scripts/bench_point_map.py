#!/usr/bin/env python3
"""How long View → Point map takes: for each layer of the model (input
pixels, each hidden layer, output scores), the PCA map (the digits through
the network to that layer, then PCA) and the t-SNE map, each on all 10,000
MNIST test digits and on the smaller samples the app offers, and placing a
new drawing on each (what happens at every live reading: exactly by PCA,
among its nearest digits on a t-SNE map). The same code as the app
(``digitpad.inside.point_map``), with as many threads as the app gives
t-SNE (all cores but one) unless told. These figures set the app's
default t-SNE sample (3,000 digits; all 10,000 took well over a minute).

    python scripts/bench_point_map.py [--checkpoint PATH] [--data-dir DIR]
                                      [--sizes 1000,3000,10000] [--tsne-sizes 3000,10000]
                                      [--tsne-layers 0,1,2,3] [--threads N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def sizes(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def placing_time(point_map, features: np.ndarray, repeats: int = 50) -> float:
    """Median seconds to place one new digit on ``point_map``."""
    from digitpad.inside.point_map import place

    times = []
    for row in range(repeats):
        started = time.perf_counter()
        place(point_map, features[row % len(features)])
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def bench_pca(model, images, names, counts) -> None:
    from digitpad.inside.point_map import PCA, make_point_map, sample_indices

    print("\nPCA (the digits through the network, then PCA; then placing one drawing):")
    for depth, name in enumerate(names):
        for count in counts:
            point_map = make_point_map(model, images, sample_indices(len(images), count), depth, PCA)
            print(f"  {name:<15} {count:>6,} digits: map {point_map.seconds:6.2f} s, "
                  f"placing a drawing {placing_time(point_map, point_map.features) * 1e3:6.3f} ms "
                  f"({point_map.pca.variance_ratio.sum():.0%} of the spread shown)", flush=True)


def bench_tsne(model, images, names, counts, depths, threads) -> None:
    from digitpad.inside import point_map as maps

    print(f"\nt-SNE ({maps.TSNE_ITERATIONS:,} steps, {threads} thread{'s' if threads > 1 else ''}; "
          "then placing one drawing among its nearest digits):")
    if not maps.tsne_available():
        print("  not available: scikit-learn is not installed")
        return
    started = time.perf_counter()
    import sklearn.manifold  # noqa: F401  (the app's first t-SNE map waits for this too)

    print(f"  importing scikit-learn: {time.perf_counter() - started:.1f} s (once, with the first t-SNE map)")
    for depth in depths:
        for count in counts:
            point_map = maps.make_point_map(model, images, maps.sample_indices(len(images), count), depth,
                                            maps.TSNE, threads=threads)
            print(f"  {names[depth]:<15} {count:>6,} digits: map {point_map.seconds:6.1f} s, "
                  f"placing a drawing {placing_time(point_map, point_map.features) * 1e3:6.3f} ms", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", type=Path, help="model to map (default: the bundled one)")
    parser.add_argument("--data-dir", type=Path, help="MNIST folder (else the usual search)")
    parser.add_argument("--sizes", type=sizes, default=[1000, 3000, 10000], help="PCA sample sizes")
    parser.add_argument("--tsne-sizes", type=sizes, default=[3000, 10000], help="t-SNE sample sizes")
    parser.add_argument("--tsne-layers", type=sizes, help="depths for t-SNE (0 = input pixels; default: all)")
    parser.add_argument("--threads", type=int, help="threads for t-SNE (default: all cores but one)")
    args = parser.parse_args()

    from digitpad.data.mnist import as_float_images, load_mnist
    from digitpad.inside.point_map import default_threads, representation_names
    from digitpad.model.checkpoint import bundled_checkpoint_path, load_checkpoint

    model, _ = load_checkpoint(args.checkpoint or bundled_checkpoint_path())
    images, _ = load_mnist("test", args.data_dir, download=False)
    images = as_float_images(images).reshape(len(images), -1)
    names = representation_names(model)
    threads = args.threads or default_threads()
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg()) if hasattr(os, "getloadavg") else "unknown"
    print(f"{os.cpu_count()} cores, load average {load}; layers: {', '.join(names)}")
    bench_pca(model, images, names, args.sizes)
    depths = range(len(names)) if args.tsne_layers is None else args.tsne_layers
    bench_tsne(model, images, names, args.tsne_sizes, depths, threads)
    if hasattr(os, "getloadavg"):
        # Other work on the computer slows t-SNE most: say how busy it was by the end.
        print(f"\nload average at the end {', '.join(f'{value:.1f}' for value in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
