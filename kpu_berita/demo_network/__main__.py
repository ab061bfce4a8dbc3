"""`python -m kpu_berita.demo_network`: serve the demo network until Ctrl-C, for browsing."""
import time

from kpu_berita.demo_network import DemoNetwork, build_demo_sites

if __name__ == "__main__":
    with DemoNetwork(build_demo_sites()) as network:
        for row in network.registry_rows():
            print(f"{row['satker_id']:18} {row['base_url']}")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
