"""`python -m kpu_berita.cli ...`, as the `kpu-berita` command."""
import sys

from kpu_berita.cli import main

sys.exit(main())
