"""Where a command may write: one rule for every option that names a file (or folder) to write.

The folder a named output goes into must exist: fitgap does not make it (a mistyped folder name would
otherwise quietly become a new folder somewhere). A missing folder is refused before anything runs, with
エラー / 対処 naming it — as ``--db`` refuses a database in a missing folder. Only fitgap's own exports folder
(``exports/`` or FITGAP_EXPORTS, and its ``backups/``) is made when first needed.
"""

from __future__ import annotations

from pathlib import Path

from fitgap.cli.parser import ValueRefused

NOT_MADE = "fitgap は書き出し先に指定されたフォルダを作りません"


def _checked(text: str) -> str:
    if not text.strip():
        raise ValueRefused("書き出し先が空です。", "ファイル名を指定してください。")
    path = Path(text)
    folder = path if text.endswith(("/", "\\")) else path.parent  # -o dir/: the folder itself
    if folder.is_dir():
        return text
    if folder.exists():
        raise ValueRefused(f"{folder} はフォルダではありません。何も書き出していません。",
                           "書き出し先には、あるフォルダの中のファイル名を指定してください。")
    raise ValueRefused(f"書き出し先のフォルダ {folder} がありません。何も書き出していません。",
                       f"フォルダ名を確かめるか、フォルダを作成してからもう一度実行してください（{NOT_MADE}）。")


def output_path(text: str) -> Path:
    """argparse type of an option naming a file to write: its folder exists (see the module)."""
    return Path(_checked(text))


def output_text(text: str) -> str:
    """As :func:`output_path`, kept as typed (``-o dir/`` says a folder by its trailing slash)."""
    return _checked(text)
