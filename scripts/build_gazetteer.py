#!/usr/bin/env python3
"""Re-build gazetteer.csv: the same as `geo gazetteer build` (see geo/gazetteer/build/)."""
import sys

from geo.gazetteer.build import main

if __name__ == "__main__":
    sys.exit(main())
