"""`python -m kpu_berita.demo_network [--registry FILE]`: serve the demo network until
Ctrl-C, and write its registry (loopback base URLs) for `--registry` / KPU_BERITA_REGISTRY."""
import argparse
import time
from pathlib import Path

from kpu_berita.demo_network import DemoNetwork, build_demo_sites

if __name__ == "__main__":
    # the docstring's first paragraph, whole: its first line alone stopped mid-sentence
    parser = argparse.ArgumentParser(prog="python -m kpu_berita.demo_network",
                                     description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--registry", type=Path, default=Path(".kpu-berita/registry.csv"),
                        help="where to write the served satker's registry (default: %(default)s)")
    args = parser.parse_args()
    with DemoNetwork(build_demo_sites()) as network:
        network.write_registry(args.registry)
        for row in network.registry_rows():
            print(f"{row['satker_id']:18} {row['base_url']}")
        print(f"registry: {args.registry}", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
