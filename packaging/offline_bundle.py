"""Build the offline install archive for PCs without internet (LGWAN): every wheel fitgap needs to run, for
Windows x64 and Linux x86-64 and each supported Python, with an install script per system and the docs.

    python packaging/offline_bundle.py [--out dist] [--python 3.11 --python 3.12 …] [--platform windows|linux]

Needs the package index once, where it is built; the archive then installs with ``pip --no-index``.
Standard library only (it runs before anything is installed)."""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
PYTHONS = ("3.11", "3.12", "3.13")
PLATFORMS = {  # pip download --platform tags, in the order pip should prefer them
    "windows": ("win_amd64",),
    "linux": ("manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64", "linux_x86_64"),
}
EXTRAS = ("postgres",)  # a team's shared server: the driver goes into the archive too


def version() -> str:
    text = (ROOT / "fitgap" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'__version__\s*=\s*"([^"]+)"', text)
    if not found:
        raise SystemExit("fitgap/__init__.py に __version__ がありません。")
    return found.group(1)


def requirements() -> list[str]:
    """What running fitgap needs (the project's dependencies and the extras a team may use); not the tools
    of development."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = list(project["dependencies"])
    for extra in EXTRAS:
        reqs += project.get("optional-dependencies", {}).get(extra, [])
    return list(dict.fromkeys(reqs))


def step(text: str) -> None:
    print(f"==> {text}", flush=True)


def run(cmd: list[str]) -> None:
    result = subprocess.run(cmd, check=False)
    if result.returncode != 0:
        raise SystemExit(f"エラー: 失敗しました（終了コード {result.returncode}）: {' '.join(cmd)}\n"
                         "対処: パッケージの取得先（PyPI またはミラー）に接続できるか確かめてください。")


def build(out: Path, pythons: list[str], platforms: list[str]) -> Path:
    ver = version()
    name = f"fitgap-offline-{ver}"
    stage = out / name
    if stage.exists():
        shutil.rmtree(stage)
    wheels = stage / "wheels"
    wheels.mkdir(parents=True)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    step(f"fitgap {ver} の wheel を作ります")
    run([*pip, "wheel", "--no-deps", "--wheel-dir", str(wheels), str(ROOT)])
    reqs = requirements()
    for plat in platforms:
        for py in pythons:
            step(f"{plat} / Python {py} の依存パッケージを取得します（{len(reqs)} 件とその依存）")
            tags = [arg for tag in PLATFORMS[plat] for arg in ("--platform", tag)]
            run([*pip, "download", "--quiet", "--only-binary=:all:", "--implementation", "cp", "--python-version", py,
                 *tags, "--dest", str(wheels), *reqs])
    step("インストール用のスクリプトと文書を入れます")
    for script in ("install.sh", "install.bat", "README-offline.md"):
        shutil.copy2(HERE / script, stage / script)
    (stage / "install.sh").chmod(0o755)
    docs = stage / "docs"
    docs.mkdir()
    shutil.copy2(ROOT / "README.md", docs / "README.md")
    for page in sorted((ROOT / "docs").glob("*.md")):
        shutil.copy2(page, docs / page.name)
    sums = [f"{hashlib.sha256(p.read_bytes()).hexdigest()}  wheels/{p.name}" for p in sorted(wheels.iterdir())]
    (stage / "SHA256SUMS").write_text("\n".join(sums) + "\n", encoding="utf-8")
    archive = out / f"{name}.zip"
    step(f"{archive} にまとめます")
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for path in sorted(stage.rglob("*")):
            info = zipfile.ZipInfo.from_file(path, f"{name}/{path.relative_to(stage).as_posix()}")
            if path.is_dir():
                z.writestr(info, b"")
                continue
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, path.read_bytes())  # from_file kept the mode: install.sh stays executable
    n = sum(1 for _ in wheels.iterdir())
    size = archive.stat().st_size / 1e6
    print(f"できました: {archive}（wheel {n} 個、{size:.0f} MB）。PC に運び、展開して install.bat（Windows）"
          "または install.sh（Linux）を実行してください。", flush=True)
    return archive


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="インターネットのない PC 用のインストール一式（zip）を作ります。")
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="出力先のフォルダ（既定 dist）")
    parser.add_argument("--python", action="append", choices=PYTHONS, help="対象の Python（既定: すべて）")
    parser.add_argument("--platform", action="append", choices=sorted(PLATFORMS), help="対象の OS（既定: すべて）")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    build(args.out, args.python or list(PYTHONS), args.platform or list(PLATFORMS))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
